#!/usr/bin/env node
// Renders resources/icon.svg to resources/icon.png (512×512) with sharp: the window and the installers need a
// PNG, and a derived binary has no place in git. Runs before start, dev and build; a no-op when up to date.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const dir = path.join(path.dirname(path.dirname(fileURLToPath(import.meta.url))), 'resources');
const svg = path.join(dir, 'icon.svg');
const png = path.join(dir, 'icon.png');
if (!fs.existsSync(png) || fs.statSync(png).mtimeMs < fs.statSync(svg).mtimeMs) {
  await sharp(svg, { density: 144 }).resize(512, 512).png().toFile(png);
}
