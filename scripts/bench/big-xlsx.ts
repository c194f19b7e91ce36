/**
 * A hostile roster: an .xlsx of a million student rows that compresses to about 5 MB (issue 11,
 * case 13), written straight as a zip (the sheet XML deflated in pieces, never whole in memory),
 * for the `roster-big` benchmark and the roster tests.
 */
import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';

function entry(name: string, data: Buffer): { name: string; raw: Buffer; crc: number; size: number } {
  return { name, raw: deflateRawSync(data), crc: crc32(data), size: data.length };
}

const COLUMNS = 'class,shift,student_code,name_km,name_en,sex,date_of_birth,guardian_name,guardian_phone,guardian_relation'.split(',');
/** the shared strings: the header, then the values every row repeats */
const VALUES = ['7A', 'morning', 'សិស្ស', 'Pupil', 'F', '2015-01-01', 'ម្តាយ', '012 345 678', 'mother'];
const STRINGS = [...COLUMNS, ...VALUES];
const LETTERS = 'ABCDEFGHIJ';

/**
 * The sheet's XML as Excel writes it (row and cell references, shared strings, numeric codes), in
 * pieces of 20,000 rows deflated as one stream. `full`: every column filled (a valid roster);
 * otherwise two cells a row, which is how a million rows fit in about 5 MB.
 */
async function sheetEntry(rows: number, full: boolean): Promise<{ name: string; raw: Buffer; crc: number; size: number }> {
  const deflate = createDeflateRaw({ level: 6 });
  const out: Buffer[] = [];
  deflate.on('data', (b: Buffer) => out.push(b));
  const ended = new Promise((resolve, reject) => {
    deflate.on('end', resolve);
    deflate.on('error', reject);
  });
  let crc = 0;
  let size = 0;
  const write = async (text: string) => {
    const data = Buffer.from(text, 'utf8');
    crc = crc32(data, crc);
    size += data.length;
    if (!deflate.write(data)) await new Promise((resolve) => deflate.once('drain', resolve));
  };
  const shared = (col: number, r: number, index: number) => `<c r="${LETTERS[col]}${r}" t="s"><v>${index}</v></c>`;
  await write(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">${COLUMNS.map((_, i) => shared(i, 1, i)).join('')}</row>`);
  const v = (value: string) => STRINGS.indexOf(value);
  let piece: string[] = [];
  for (let r = 2; r <= rows + 1; r++) {
    const code = `<c r="C${r}"><v>${1_000_000 + r}</v></c>`;
    piece.push(
      full
        ? `<row r="${r}">${shared(0, r, v('7A'))}${shared(1, r, v('morning'))}${code}${shared(3, r, v('សិស្ស'))}${shared(4, r, v('Pupil'))}${shared(5, r, v('F'))}${shared(6, r, v('2015-01-01'))}${shared(7, r, v('ម្តាយ'))}${shared(8, r, v('012 345 678'))}${shared(9, r, v('mother'))}</row>`
        : `<row r="${r}">${shared(0, r, v('7A'))}${code}</row>`,
    );
    if (piece.length === 20_000) {
      await write(piece.join(''));
      piece = [];
    }
  }
  await write(`${piece.join('')}</sheetData></worksheet>`);
  deflate.end();
  await ended;
  return { name: 'xl/worksheets/sheet1.xml', raw: Buffer.concat(out), crc, size };
}

export async function bigRosterXlsx(rows = 1_000_000, opts: { full?: boolean } = {}): Promise<Buffer> {
  const files = [
    entry('[Content_Types].xml', Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')),
    entry('_rels/.rels', Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')),
    entry('xl/workbook.xml', Buffer.from('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="students" sheetId="1" r:id="rId1"/></sheets></workbook>')),
    entry('xl/_rels/workbook.xml.rels', Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')),
    // after the sheet, as Excel orders them (the streaming reader then parks the sheet on disk first)
    await sheetEntry(rows, opts.full ?? false),
    entry(
      'xl/sharedStrings.xml',
      Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${STRINGS.length}" uniqueCount="${STRINGS.length}">${STRINGS.map((t) => `<si><t>${t}</t></si>`).join('')}</sst>`),
    ),
  ];
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(f.crc >>> 0, 14);
    local.writeUInt32LE(f.raw.length, 18);
    local.writeUInt32LE(f.size >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(8, 10);
    cd.writeUInt32LE(f.crc >>> 0, 16);
    cd.writeUInt32LE(f.raw.length, 20);
    cd.writeUInt32LE(f.size >>> 0, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    locals.push(local, name, f.raw);
    central.push(cd, name);
    offset += 30 + name.length + f.raw.length;
  }
  const cdBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cdBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cdBytes, end]);
}
