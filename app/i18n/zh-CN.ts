/** Simplified Chinese: the default language. `en.ts` must have exactly the same keys. */
import { apiZh } from "./areas/api";
import { customersZh } from "./areas/customers";
import { fundsZh } from "./areas/funds";
import { importsZh } from "./areas/imports";
import { ordersZh } from "./areas/orders";
import { productsZh } from "./areas/products";
import { returnsZh } from "./areas/returns";
import { returnsAdminZh } from "./areas/returns-admin";
import { returnsShopZh } from "./areas/returns-shop";
import { shopZh } from "./areas/shop";
import { staffZh } from "./areas/staff";
import { stockZh } from "./areas/stock";
import { webhooksZh } from "./areas/webhooks";
import type { Shape } from "./shape";

export const zhCN = {
  api: apiZh,
  customers: customersZh,
  products: productsZh,
  stock: stockZh,
  imports: importsZh,
  shop: shopZh,
  orders: ordersZh,
  funds: fundsZh,
  returns: returnsZh,
  returnsShop: returnsShopZh,
  returnsAdmin: returnsAdminZh,
  staff: staffZh,
  webhooks: webhooksZh,
  app: { name: "订货", tagline: "经销商订货平台", console: "管理后台", storefront: "订货商城" },
  language: { label: "语言", "zh-CN": "中文", en: "English" },
  login: {
    title: "登录",
    heading: "登录订货",
    intro: "员工账号进入管理后台，订货账号进入订货商城。",
    username: "用户名",
    password: "密码",
    submit: "登录",
    submitting: "正在登录…",
    failed: "用户名或密码不正确。",
    throttled: "登录失败次数过多，请在 {{seconds}} 秒后再试。",
    usernameRequired: "请输入用户名。",
    passwordRequired: "请输入密码。",
  },
  validation: {
    required: "必填。",
    tooLong: "内容过长。",
    integer: "请输入整数。",
    positiveInteger: "请输入大于 0 的整数。",
    money: "请输入金额，如 12.50。",
    invalid: "格式不正确。",
    duplicate: "已存在，请换一个。",
    passwordTooShort: "密码至少 8 位。",
  },
  common: {
    logout: "退出登录",
    account: "账号",
    roles: "角色",
    allRegions: "全部区域",
    regions: "可见区域",
    search: "搜索",
    next: "下一页",
    first: "第一页",
    pageSize: "每页条数",
    pagination: "分页",
    perPage: "每页 {{count}} 条",
    noResults: "没有符合条件的记录。",
    active: "启用",
    disabled: "已停用",
    status: "状态",
    skipToContent: "跳到正文",
    colon: "：",
    save: "保存",
    cancel: "取消",
    edit: "编辑",
    delete: "删除",
    create: "新建",
    actions: "操作",
    saved: "已保存。",
    back: "返回",
    yes: "是",
    no: "否",
    all: "全部",
    filter: "筛选",
    menu: "菜单",
  },
  nav: {
    dashboard: "工作台",
    customers: "客户",
    home: "首页",
    orderOnBehalf: "代客下单",
    products: "商品",
    categories: "商品分类",
    prices: "价格",
    stock: "库存",
    warehouses: "仓库",
    catalog: "商品目录",
    cart: "购物车",
    quickOrder: "快速订货",
    orders: "我的订单",
    account: "我的账户",
    workflow: "流程设置",
    consoleOrders: "订单",
  },
  dashboard: {
    title: "工作台",
    greeting: "{{name}}，你好",
    queuesHeading: "待我处理",
    queuesEmpty: "你的角色没有需要处理的流程步骤。",
    ordersPipeline: "订货流程",
    returnsPipeline: "退货流程",
    waiting: "待处理",
    scopeNote: "统计范围：{{regions}}",
  },
  steps: {
    orders: {
      order_review: "订单审核",
      finance_review: "财务审核",
      outbound_review: "出库审核",
      shipment: "发货确认",
      receipt: "收货确认",
    },
    returns: {
      return_review: "退货审核",
      return_shipment: "退货发货",
      inbound_review: "入库审核",
      refund_review: "退款审核",
    },
  },
  roles: {
    admin: "系统管理员",
    business_lead: "业务负责人",
    order_reviewer: "订单审核员",
    finance_reviewer: "财务审核员",
    warehouse_keeper: "仓库管理员",
    shipping_clerk: "发货审核员",
  },
  errors: {
    forbiddenTitle: "没有权限",
    forbiddenBody: "你的账号没有访问此页面的权限。如需使用，请联系系统管理员。",
    notFoundTitle: "页面不存在",
    notFoundBody: "你访问的页面不存在，或已被移除。",
    unexpectedTitle: "出错了",
    unexpectedBody: "服务器处理请求时出错。请稍后再试；如果问题持续，请把请求编号告诉管理员。",
    requestId: "请求编号：{{id}}",
    csrfTitle: "请求被拒绝",
    csrfBody: "这个请求不是从本站页面发出的，已被拒绝。请刷新页面后重试。",
    backHome: "返回首页",
  },
};

export type Resources = Shape<typeof zhCN>;
