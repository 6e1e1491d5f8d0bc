import type { Shape } from "../shape";

// Console: CSV/XLSX import (template, dry run, progress) and export.
export const importsZh = { title: "导入导出" };

export const importsEn: Shape<typeof importsZh> = { title: "Import and export" };
