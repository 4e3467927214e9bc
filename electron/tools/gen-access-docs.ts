import fs from 'node:fs';
import path from 'node:path';
import { appRoot } from '../paths';
import { renderAccessMatrix } from './access-matrix';

const file = path.join(appRoot(), 'docs', 'access-matrix.md');
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, renderAccessMatrix());
console.log(`wrote ${path.relative(process.cwd(), file)}`);
