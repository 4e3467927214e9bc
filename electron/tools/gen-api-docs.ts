import fs from 'node:fs';
import path from 'node:path';
import { appRoot } from '../paths';
import { renderApiDocs } from './api-docs';

const file = path.join(appRoot(), 'docs', 'api.md');
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, renderApiDocs());
console.log(`wrote ${path.relative(process.cwd(), file)}`);
