// Writes a new config repository: the manifests of manifests-template/, a .gitignore that keeps
// Boreas's local state (state.db, state.key, caches, logs, instance dirs) out of Git, and the JSON
// Schemas the template's `# yaml-language-server` lines point at. Everything is safe to commit.
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirs } from '../util/make-dirs.js';
import { templateDir } from '../util/paths.js';
import { editorSchemas } from './editor-schemas.js';

/** Where the editor schemas go, relative to the repository root (the template's lines point here). */
export const SCHEMAS_SUBDIR = 'schemas';

export const GITIGNORE = `# Boreas's local state: the state file, state.key (it seals certificate keys), caches, logs and the
# instance directories of the local environment. Never commit it.
.boreas/
`;

/** Copies the template and writes .gitignore and the schemas into `dir` (which must be empty). */
export function writeConfigRepo(dir: string): void {
  makeDirs(dir);
  cpSync(templateDir, dir, { recursive: true });
  writeFileSync(join(dir, '.gitignore'), GITIGNORE);
  writeEditorSchemas(dir);
}

/** (Re)writes `<dir>/schemas/` from the installed Boreas; returns the file names written. */
export function writeEditorSchemas(dir: string): string[] {
  const target = join(dir, SCHEMAS_SUBDIR);
  rmSync(target, { recursive: true, force: true });
  makeDirs(target);
  const schemas = editorSchemas();
  for (const [file, text] of schemas) writeFileSync(join(target, file), text);
  return [...schemas.keys()];
}
