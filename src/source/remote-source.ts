// Placeholder until the clone/fetch cache lands (same session).
import { UserError } from '../model/errors.js';
import type { Source, SourceOptions } from './source.js';

export async function openRemoteSource(opts: SourceOptions & { url: string }): Promise<Source> {
  throw new UserError(`remote repositories are not supported yet: ${opts.url}`);
}
