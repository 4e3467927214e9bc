/** Reading back the Excel files the API returns, and rendering them with LibreOffice as a person would print them. */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';

export async function readBook(file: { base64: string }): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(file.base64, 'base64') as unknown as ArrayBuffer);
  return wb;
}

/** A row's cell values from column 1, holes as undefined. */
export function rowValues(ws: ExcelJS.Worksheet, r: number): unknown[] {
  return (ws.getRow(r).values as unknown[]).slice(1);
}

/** The labels of the sheet's last row whose cells all end in '：' (a signature line to sign beside). */
export function signatureLabels(ws: ExcelJS.Worksheet): string[] {
  for (let r = ws.rowCount; r >= 1; r--) {
    const texts: string[] = [];
    ws.getRow(r).eachCell((c) => {
      if (typeof c.value === 'string' && c.value !== '') texts.push(c.value);
    });
    if (texts.length > 0 && texts.every((t) => t.endsWith('：'))) return texts.map((t) => t.slice(0, -1));
  }
  return [];
}

/** Why LibreOffice cannot render here, or null when `soffice` runs. */
export function sofficeMissing(): string | null {
  const found = spawnSync('soffice', ['--version'], { encoding: 'utf8' });
  return found.status === 0 ? null : 'soffice (libreoffice-calc) is not installed: the LibreOffice rendering is not checked';
}

/**
 * The workbook printed to PDF by LibreOffice (its own profile in `dir`, so a desktop LibreOffice the user
 * has open is not disturbed), then its text (pdftotext -layout) and page 1 as a grey image (pdftoppm).
 */
export function renderWithLibreOffice(file: { filename: string; base64: string }, dir: string) {
  const xlsx = path.join(dir, 'sheet.xlsx');
  fs.writeFileSync(xlsx, Buffer.from(file.base64, 'base64'));
  execFileSync('soffice', [`-env:UserInstallation=file://${path.join(dir, 'profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', dir, xlsx], {
    stdio: 'ignore',
    timeout: 180_000,
  });
  const pdf = path.join(dir, 'sheet.pdf');
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))?.[1] ?? 0);
  execFileSync('pdftoppm', ['-gray', '-r', '60', '-f', '1', '-l', '1', pdf, path.join(dir, 'page')]);
  const pgm = fs.readdirSync(dir).find((f) => f.startsWith('page') && f.endsWith('.pgm'))!;
  return { pdf, text, pages, image: readPgm(fs.readFileSync(path.join(dir, pgm))) };
}

/** A binary PGM (P5) as width, height and one byte per pixel. */
function readPgm(buf: Buffer) {
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(buf.subarray(0, 64).toString('latin1'))!;
  const width = Number(header[1]);
  const height = Number(header[2]);
  return { width, height, pixels: buf.subarray(header[0].length, header[0].length + width * height) };
}

/** The darkest pixel in a band of columns (0 = black, 255 = white): ink at the page's edge means the table ran off it. */
export function darkestInColumns(image: { width: number; height: number; pixels: Buffer }, from: number, to: number): number {
  let min = 255;
  for (let y = 0; y < image.height; y++) for (let x = from; x < to; x++) min = Math.min(min, image.pixels[y * image.width + x]);
  return min;
}
