import type { Shape } from "../shape";

// Console: categories, products, SKUs, images and prices.
export const productsZh = { title: "商品" };

export const productsEn: Shape<typeof productsZh> = { title: "Products" };
