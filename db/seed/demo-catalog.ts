/**
 * The demo catalog: a fast-moving consumer goods supplier (饮料、日化、纸品、休闲食品).
 * Each product: name, category path, tags, unit, and SKUs as [spec, base price in fen, retail in fen, min, multiple].
 */
export interface DemoProduct {
  name: string;
  category: [string, string];
  tags: string;
  unit: string;
  description: string;
  skus: Array<[spec: string, base: number, retail: number, minQty: number, multiple: number]>;
}

const drinks = (name: string, sub: string, tags: string, base: number): DemoProduct => ({
  name,
  category: ["饮料", sub],
  tags,
  unit: "箱",
  description: `${name}，整箱发货，保质期 12 个月。请存放于阴凉干燥处，避免阳光直射。`,
  skus: [
    ["规格:500ml×24瓶", base, Math.round(base * 1.35), 5, 5],
    ["规格:1.5L×12瓶", Math.round(base * 1.15), Math.round(base * 1.5), 2, 1],
  ],
});

const household = (name: string, sub: string, tags: string, base: number, specs: string[]): DemoProduct => ({
  name,
  category: ["日化", sub],
  tags,
  unit: "箱",
  description: `${name}，适合家庭日常使用。按箱订货，每箱内含独立包装。`,
  skus: specs.map((spec, i) => [spec, base + i * 1200, Math.round((base + i * 1200) * 1.4), 1, 1]),
});

const paper = (name: string, sub: string, tags: string, base: number): DemoProduct => ({
  name,
  category: ["纸品", sub],
  tags,
  unit: "提",
  description: `${name}，原生木浆，柔韧亲肤。`,
  skus: [
    ["层数:3层 / 包数:10包", base, Math.round(base * 1.45), 10, 10],
    ["层数:4层 / 包数:6包", Math.round(base * 0.8), Math.round(base * 1.2), 12, 6],
  ],
});

const snack = (name: string, sub: string, tags: string, base: number): DemoProduct => ({
  name,
  category: ["休闲食品", sub],
  tags,
  unit: "箱",
  description: `${name}，独立小包装，保质期 9 个月。`,
  skus: [["规格:整箱 20 袋", base, Math.round(base * 1.4), 3, 1]],
});

export const DEMO_PRODUCTS: DemoProduct[] = [
  drinks("山泉天然饮用水", "饮用水", "hot", 2400),
  drinks("高山矿泉水", "饮用水", "", 3600),
  drinks("苏打气泡水 青柠味", "饮用水", "new", 4800),
  drinks("苏打气泡水 白桃味", "饮用水", "new", 4800),
  drinks("电解质运动饮料", "饮用水", "", 5200),
  drinks("100% 橙汁", "果汁", "hot", 7200),
  drinks("100% 苹果汁", "果汁", "", 6800),
  drinks("芒果果肉饮料", "果汁", "", 5600),
  drinks("椰子水", "果汁", "new", 8800),
  drinks("山楂果茶", "果汁", "clearance", 4200),
  drinks("无糖乌龙茶", "茶饮料", "hot", 5400),
  drinks("茉莉花茶", "茶饮料", "", 5000),
  drinks("冰红茶 柠檬味", "茶饮料", "", 4600),
  drinks("大麦茶", "茶饮料", "", 4400),
  drinks("绿茶 低糖", "茶饮料", "clearance", 4000),
  household("浓缩洗衣液 薰衣草", "衣物清洁", "hot", 9600, ["规格:2kg×6瓶", "规格:3kg×4瓶"]),
  household("除菌洗衣液", "衣物清洁", "", 11200, ["规格:2kg×6瓶"]),
  household("洗衣凝珠 50颗", "衣物清洁", "new", 15800, ["规格:50颗×8盒"]),
  household("婴幼儿洗衣液", "衣物清洁", "", 13600, ["规格:1kg×12瓶"]),
  household("衣物柔顺剂", "衣物清洁", "", 8800, ["规格:2L×6瓶", "规格:4L×4瓶"]),
  household("洗衣粉 无磷", "衣物清洁", "clearance", 6400, ["规格:1.8kg×8袋"]),
  household("柠檬洗洁精", "厨房清洁", "hot", 5200, ["规格:1.5kg×8瓶", "规格:5kg×4桶"]),
  household("果蔬洗洁精", "厨房清洁", "", 6000, ["规格:1kg×12瓶"]),
  household("厨房重油污清洁剂", "厨房清洁", "", 7600, ["规格:500g×12瓶"]),
  household("洗碗机专用洗涤块", "厨房清洁", "new", 12800, ["规格:60块×6盒"]),
  household("去屑洗发水", "个人护理", "hot", 14400, ["规格:750ml×12瓶", "规格:400ml×24瓶"]),
  household("滋养护发素", "个人护理", "", 13200, ["规格:750ml×12瓶"]),
  household("沐浴露 樱花", "个人护理", "", 11600, ["规格:1L×12瓶"]),
  household("牙膏 清新薄荷", "个人护理", "", 9800, ["规格:120g×48支"]),
  household("儿童牙膏 草莓味", "个人护理", "new", 8600, ["规格:60g×48支"]),
  household("抑菌洗手液", "个人护理", "hot", 7200, ["规格:500ml×24瓶", "规格:补充装 400ml×24袋"]),
  paper("原木抽纸", "生活用纸", "hot", 3200),
  paper("竹浆本色抽纸", "生活用纸", "new", 3600),
  paper("有芯卷纸", "生活用纸", "", 2800),
  paper("无芯卷纸", "生活用纸", "", 2600),
  paper("厨房用纸", "生活用纸", "", 3000),
  paper("湿巾 80抽", "湿巾", "", 4200),
  paper("婴儿手口湿巾", "湿巾", "", 4800),
  paper("消毒湿巾", "湿巾", "clearance", 3800),
  paper("手帕纸", "生活用纸", "", 2200),
  snack("原味苏打饼干", "饼干糕点", "hot", 6400),
  snack("全麦消化饼干", "饼干糕点", "", 7200),
  snack("夹心威化 巧克力", "饼干糕点", "", 6800),
  snack("蛋黄酥", "饼干糕点", "new", 9600),
  snack("绿豆糕", "饼干糕点", "", 5800),
  snack("每日坚果", "坚果炒货", "hot", 15800),
  snack("盐焗腰果", "坚果炒货", "", 13800),
  snack("碧根果", "坚果炒货", "", 14600),
  snack("五香瓜子", "坚果炒货", "", 5200),
  snack("开心果", "坚果炒货", "clearance", 16800),
  snack("海苔脆片", "膨化食品", "new", 6200),
  snack("薯片 原味", "膨化食品", "hot", 5600),
  snack("薯片 黄瓜味", "膨化食品", "", 5600),
  snack("玉米脆", "膨化食品", "", 4800),
  snack("虾条", "膨化食品", "", 4600),
  snack("牛肉干 五香", "肉脯肉干", "", 18800),
  snack("猪肉脯", "肉脯肉干", "", 16800),
  snack("鸭脖 微辣", "肉脯肉干", "new", 12800),
  snack("卤蛋", "肉脯肉干", "", 7800),
  snack("豆干 香辣", "肉脯肉干", "", 6600),
];

export const DEMO_WAREHOUSES = [
  { code: "WH-HZ", name: "杭州总仓", address: "浙江省杭州市余杭区仓前街道良睦路 999 号" },
  { code: "WH-GZ", name: "广州分仓", address: "广东省广州市黄埔区开创大道 2288 号" },
] as const;
