import ExcelJS from 'exceljs';
import { Readable } from 'node:stream';
process.on('uncaughtException', (e) => { console.log('UNCAUGHT', (e as Error).message); });
const wb = new ExcelJS.Workbook();
const ws = wb.addWorksheet('Students'); ws.addRow(['class', 'student_code', 'name_km']); for (let i = 0; i < 20; i++) ws.addRow(['7A', `S${i}`, `name ${i}`]);
const other = wb.addWorksheet('Notes'); for (let i = 0; i < 50; i++) other.addRow([`note ${i}`, 'text']);
const bytes = Buffer.from(await wb.xlsx.writeBuffer());
let bad = 0;
for (let i = 0; i < 1000; i++) {
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
    for await (const sheet of reader) { for await (const _r of sheet as AsyncIterable<unknown>) void _r; }
  } catch (e) { bad++; if (bad < 4) console.log('caught', (e as Error).message); }
}
console.log('bad', bad);
