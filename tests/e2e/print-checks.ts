/**
 * What a printed document is checked for (issue 17): printed by Chromium to PDF at its paper size, rendered with
 * pdftoppm for people to look at, and read back with poppler — each word with its box (pdftotext -bbox), the text
 * as laid out (-layout) and in the order it was drawn (-raw). Shared by the print specs.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, SCREENSHOT_DIR } from './fixtures';

export interface PrintedWord {
  /** 1-based page number. */
  page: number;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
  text: string;
}

export interface Printed {
  /** The text as laid out on the paper (pdftotext -layout). */
  text: string;
  /** The text in the order it was drawn (pdftotext -raw) with every blank removed: a cell's wrapped lines follow each other. */
  raw: string;
  words: PrintedWord[];
  /** The first page's size, in points. */
  width: number;
  height: number;
  /** Every page's size, in points. */
  pages: { width: number; height: number }[];
  /** pdfinfo's answer (e.g. its "Page size: … (A4)" line). */
  info: string;
}

/**
 * Prints to PDF at the page's own paper size (its `@page` rule), renders the first page (or every page) to PNG
 * next to it (and into SHOTS_DIR when set), and reads it back.
 */
export async function printed(page: Page, name: string, opts: { allPages?: boolean } = {}): Promise<Printed> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.pdf`);
  await page.pdf({ path: file, preferCSSPageSize: true, printBackground: true });
  execFileSync('pdftoppm', ['-png', '-r', '80', ...(opts.allPages ? [] : ['-f', '1', '-l', '1']), file, path.join(SCREENSHOT_DIR, name)]);
  const shots = process.env.SHOTS_DIR;
  if (shots) {
    fs.mkdirSync(shots, { recursive: true });
    for (const f of fs.readdirSync(SCREENSHOT_DIR).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png')))
      fs.copyFileSync(path.join(SCREENSHOT_DIR, f), path.join(shots, f));
  }
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const [, w, h] = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info)!;
  const bbox = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' });
  const pages: Printed['pages'] = [];
  const words: PrintedWord[] = [];
  for (const part of bbox.split('<page ').slice(1)) {
    const [, pw, ph] = /^width="([\d.]+)" height="([\d.]+)"/.exec(part)!;
    pages.push({ width: Number(pw), height: Number(ph) });
    for (const m of part.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g))
      words.push({ page: pages.length, xMin: Number(m[1]), yMin: Number(m[2]), xMax: Number(m[3]), yMax: Number(m[4]), text: fromXml(m[5]) });
  }
  return {
    text: execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }),
    raw: execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ''),
    words,
    width: Number(w),
    height: Number(h),
    pages,
    info,
  };
}

/** pdftotext -bbox writes its words as XHTML. */
function fromXml(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&apos;', "'").replaceAll('&amp;', '&');
}

/** Every amount shown is one word in the PDF (not "11,980.3" and "8"), and no word runs off the page. */
export function expectWhole(doc: Printed, amounts: string[]) {
  const words = new Set(doc.words.map((x) => x.text.replace(/^¥/, '')));
  for (const a of amounts) expect(words, `${a} printed whole`).toContain(a);
  // A money-looking fragment that is not a whole amount means a number broke across lines.
  for (const wd of doc.words)
    if (/^[\d,.]+$/.test(wd.text) && wd.text.includes(',')) expect(wd.text, `${wd.text} is a whole amount`).toMatch(/^\d{1,3}(,\d{3})*\.\d{2}$/);
  for (const wd of doc.words) expect(wd.xMax, `${wd.text} inside the page`).toBeLessThanOrEqual(doc.width - 14);
}

/** Paper sizes in points as Chromium writes them (to the CSS pixel), with a point either way. */
const PAPERS: Record<string, [number, number]> = {
  'A4 portrait': [595.28, 841.89],
  'A4 landscape': [841.89, 595.28],
  '241mm 279.4mm': [683.15, 792],
  '241mm 139.7mm': [683.15, 396],
  '241mm 93.1mm': [683.15, 263.9],
};

/** Every page of the PDF is this paper, and there are `count` pages when given. */
export function expectPaperOf(doc: Printed, paper: keyof typeof PAPERS, count?: number) {
  const [w, h] = PAPERS[paper];
  for (const [i, p] of doc.pages.entries()) {
    expect(Math.abs(p.width - w), `page ${i + 1} is ${paper} wide (${p.width} pt)`).toBeLessThan(1.5);
    expect(Math.abs(p.height - h), `page ${i + 1} is ${paper} high (${p.height} pt)`).toBeLessThan(1.5);
  }
  if (count !== undefined) expect(doc.pages.length, `${count} page(s)`).toBe(count);
}

/**
 * Nothing of the document is cut off: the text of every cell, field, note and signature line of the page is in the
 * PDF. (Chromium clips what runs past the paper's printable area, so a cut word is not in the PDF at all, or only
 * its first part; the text is drawn in page order, a wrapped cell's lines one after the other.)
 */
export async function expectAllTextPrinted(page: Page, doc: Printed) {
  const texts = await page.evaluate(() => {
    const out: string[] = [];
    for (const root of document.querySelectorAll('.print-doc')) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode())
        if (!n.parentElement?.closest('style, .print-watermark')) out.push((n.textContent ?? '').replace(/\s+/g, ''));
    }
    return [...new Set(out.filter(Boolean))];
  });
  expect(texts.length, 'the document has text').toBeGreaterThan(10);
  expect(
    texts.filter((t) => !doc.raw.includes(t)),
    'every text of the document is in the PDF',
  ).toEqual([]);
}

/**
 * Each of these (an amount, a quantity, a unit price, a batch number, a date, a document number) is printed on
 * one line wherever the document shows it: as many words of the PDF hold it whole as cells, fields and notes of
 * the page hold it (at least one), so no occurrence broke across two lines of its cell.
 */
export async function expectOneLine(page: Page, doc: Printed, tokens: string[]) {
  // Not part of a longer figure: "1,086,419.40" is not in "11,086,419.40", "2盒" not in "12盒" (a cell's text runs
  // on into the next line's: "360盒" is followed by its amount).
  const pattern = (token: string) =>
    `${/^\\d/.test(token) ? '(?<![\\d,.])' : ''}${token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${/\\d$/.test(token) ? '(?![\\d,])' : ''}`;
  const shown = await page.evaluate((patterns) => {
    const cells = [...document.querySelectorAll('.print-doc :is(td, th, dd, .print-docno, .print-notes, .print-footer)')];
    return patterns.map((p) => cells.reduce((n, c) => n + ((c.textContent ?? '').match(new RegExp(p, 'g'))?.length ?? 0), 0));
  }, tokens.map(pattern));
  for (const [i, token] of tokens.entries()) {
    const whole = new RegExp(pattern(token), 'g');
    const printedWhole = doc.words.reduce((n, w) => n + (w.text.match(whole)?.length ?? 0), 0);
    expect(shown[i], `${token} is on the page`).toBeGreaterThan(0);
    expect(printedWhole, `${token} printed whole on one line, each of the ${shown[i]} times it is shown`).toBeGreaterThanOrEqual(shown[i]);
  }
}

/**
 * Each of these texts (a long supplier, clinic or drug name, wrapped onto several lines of its cell as it may be)
 * is printed in full: read in the order it was drawn, blanks aside, nothing of it is missing.
 */
export function expectPrinted(doc: Printed, texts: string[]) {
  for (const t of texts) expect(doc.raw, `"${t}" printed in full`).toContain(t.replace(/\s+/g, ''));
}

/**
 * No table cell or header field of the document on screen holds more than its box (a figure too wide even at the
 * smallest type it is shrunk to runs over its neighbour on paper). The sheet on screen has the paper's width.
 */
export async function expectCellsFit(page: Page) {
  const over = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.print-doc .print-table th, .print-doc .print-table td, .print-doc .print-meta dd, .print-doc')]
      .filter((el) => el.scrollWidth > el.clientWidth + 1)
      .map((el) => `${el.tagName.toLowerCase()} "${el.textContent?.slice(0, 40)}" needs ${el.scrollWidth}px of ${el.clientWidth}px`),
  );
  expect(over, 'every cell holds its text').toEqual([]);
}
