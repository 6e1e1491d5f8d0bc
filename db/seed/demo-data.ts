/** Demo data: the documented demo logins (password `demo1234`) and realistic dealers. */
export const DEMO_PASSWORD = "demo1234";

export const DEMO_REGIONS = [
  { code: "east", name: "华东" },
  { code: "south", name: "华南" },
  { code: "north", name: "华北" },
] as const;

export const DEMO_LEVELS = [
  { code: "A", name: "一级经销商", discountBp: 9000, position: 1 },
  { code: "B", name: "二级经销商", discountBp: 9500, position: 2 },
  { code: "C", name: "零售客户", discountBp: 10000, position: 3 },
] as const;

export const REGIONAL_MANAGER_ROLE = "区域经理";

export const DEMO_STAFF = [
  { username: "admin", displayName: "王建国", roleKeys: ["admin"], role: null, regions: null },
  { username: "lead", displayName: "李文静", roleKeys: ["business_lead"], role: null, regions: null },
  { username: "reviewer", displayName: "张伟", roleKeys: ["order_reviewer"], role: null, regions: null },
  { username: "finance", displayName: "陈晓红", roleKeys: ["finance_reviewer"], role: null, regions: null },
  { username: "warehouse", displayName: "刘强", roleKeys: ["warehouse_keeper"], role: null, regions: null },
  { username: "shipping", displayName: "赵磊", roleKeys: ["shipping_clerk"], role: null, regions: null },
  { username: "east", displayName: "孙丽华", roleKeys: [], role: REGIONAL_MANAGER_ROLE, regions: ["east"] },
] as const;

export const DEMO_CUSTOMERS = [
  {
    code: "C0001",
    username: "hz-dealer",
    name: "杭州顺达商贸有限公司",
    region: "east",
    level: "A",
    contactName: "周志明",
    phone: "13857101234",
    address: "浙江省杭州市拱墅区莫干山路 1188 号顺达大厦 6 楼",
  },
  {
    code: "C0002",
    username: "sh-dealer",
    name: "上海浦江百货贸易有限公司",
    region: "east",
    level: "B",
    contactName: "吴佳怡",
    phone: "13916205678",
    address: "上海市闵行区虹梅南路 2500 号 3 号楼 201 室",
  },
  {
    code: "C0003",
    username: "gz-dealer",
    name: "广州粤丰商贸有限公司",
    region: "south",
    level: "A",
    contactName: "黄国华",
    phone: "13802409876",
    address: "广东省广州市白云区广园中路 368 号粤丰仓储中心",
  },
  {
    code: "C0004",
    username: "sz-dealer",
    name: "深圳鹏城日用品有限公司",
    region: "south",
    level: "C",
    contactName: "林晓燕",
    phone: "13728804321",
    address: "广东省深圳市龙岗区坂田街道五和大道 66 号",
  },
  {
    code: "C0005",
    username: "bj-dealer",
    name: "北京京华联合商贸有限公司",
    region: "north",
    level: "B",
    contactName: "马建军",
    phone: "13601152468",
    address: "北京市朝阳区东四环中路 78 号京华大厦 A 座 1507",
  },
] as const;
