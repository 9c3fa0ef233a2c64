import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { KitError, KitErrorCodes } from './errors.js';

/** Reads a YAML or JSON file into a plain value; unreadable or unparsable files are one clear error. */
export function readStructuredFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new KitError(KitErrorCodes.FILE_UNREADABLE, `cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return extname(path) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new KitError(KitErrorCodes.FILE_UNREADABLE, `cannot parse ${path}: ${(err as Error).message}`);
  }
}
