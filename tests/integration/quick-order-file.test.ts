import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { readPadFile } from "../../app/services/quick-order.server";

const file = (bytes: ArrayBuffer | string, name: string) => new File([bytes], name);

describe("quick-order files", () => {
  it("reads the first two columns of a CSV, skipping its header", async () => {
    const parsed = await readPadFile(file("\uFEFF商品编码,数量\r\nSP001-1,10\r\nSP006-1,5\r\n", "order.csv"));
    expect(parsed).toEqual({
      lines: [
        { lineNo: 2, skuCode: "SP001-1", quantity: 10 },
        { lineNo: 3, skuCode: "SP006-1", quantity: 5 },
      ],
      unreadable: [],
    });
  });

  it("reads an XLSX, numbers and text cells alike, and names unreadable rows", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("订单");
    sheet.addRow(["SKU", "Qty"]);
    sheet.addRow(["SP001-1", 24]);
    sheet.addRow(["SP022-1", "3"]);
    sheet.addRow(["SP030-1", "三箱"]);
    const bytes = new Uint8Array(await workbook.xlsx.writeBuffer()).slice().buffer;
    const parsed = await readPadFile(file(bytes, "order.xlsx"));
    expect(parsed?.lines).toEqual([
      { lineNo: 2, skuCode: "SP001-1", quantity: 24 },
      { lineNo: 3, skuCode: "SP022-1", quantity: 3 },
    ]);
    expect(parsed?.unreadable).toEqual([4]);
  });

  it("refuses what is neither: an image, an empty file, a damaged workbook", async () => {
    expect(await readPadFile(file(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]).buffer, "x.csv"))).toBeNull();
    expect(await readPadFile(file("", "empty.csv"))).toBeNull();
    expect(await readPadFile(file(new Uint8Array([0x50, 0x4b, 3, 4, 1, 2, 3]).buffer, "broken.xlsx"))).toBeNull();
  });
});
