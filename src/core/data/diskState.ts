/**
 * What a data file on disk is now: its sha256 (to compare with the versions runs read) and md5 (to compare with
 * DVC's), read in one stream so the host's event loop keeps turning while a large file is read. Files above a
 * size limit are not read; a cache keyed by the file's stamp (inode, mtime, size) reads a file again only when
 * it changed.
 */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import type { DiskState } from '../contract/data';
import type { FileStamp } from '../runs/files';
import { describeFsError, sameStamp } from '../runs/files';

/** Files larger than this are not hashed: "not hashed: 2.1 GB". */
export const MAX_HASH_BYTES = 512 * 1024 * 1024;

/** Hashes of files by path, valid while the file's stamp is the same. */
export class HashCache {
  private readonly entries = new Map<string, { stamp: FileStamp; state: DiskState }>();

  constructor(private readonly capacity = 2000) {}

  get(path: string, stamp: FileStamp): DiskState | undefined {
    const entry = this.entries.get(path);
    return entry !== undefined && sameStamp(entry.stamp, stamp) ? entry.state : undefined;
  }

  set(path: string, stamp: FileStamp, state: DiskState): void {
    this.entries.delete(path);
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value ?? '');
    this.entries.set(path, { stamp, state });
  }
}

export interface DiskStateOptions {
  readonly maxBytes?: number;
  readonly cache?: HashCache;
}

/** The file at `path` now: hashed, missing, too large or not read (and why). Never rejects. */
export async function readDiskState(path: string, options: DiskStateOptions = {}): Promise<DiskState> {
  const maxBytes = options.maxBytes ?? MAX_HASH_BYTES;
  let stat;
  try {
    stat = await fsp.stat(path);
  } catch (ex) {
    const error = ex as NodeJS.ErrnoException;
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return { kind: 'missing' };
    return { kind: 'notRead', reason: describeFsError(error) };
  }
  if (!stat.isFile()) return { kind: 'notRead', reason: stat.isDirectory() ? 'a folder, not a file' : 'not a regular file' };
  if (stat.size > maxBytes) return { kind: 'tooLarge', size: stat.size };
  const stamp: FileStamp = { ino: stat.ino, mtimeMs: stat.mtimeMs, size: stat.size };
  const cached = options.cache?.get(path, stamp);
  if (cached !== undefined) return cached;
  const state = await hashStream(path, maxBytes);
  if (state.kind === 'hashed') options.cache?.set(path, stamp, state);
  return state;
}

/** sha256 and md5 of the file's bytes, and whether they hold a carriage return. */
function hashStream(path: string, maxBytes: number): Promise<DiskState> {
  return new Promise((resolve) => {
    const sha256 = createHash('sha256');
    const md5 = createHash('md5');
    let size = 0;
    let hasCarriageReturn = false;
    const stream = createReadStream(path, { highWaterMark: 1024 * 1024 });
    stream.on('data', (chunk) => {
      const bytes = chunk as Buffer;
      size += bytes.length;
      if (size > maxBytes) {
        // The file grew while it was read.
        stream.destroy();
        resolve({ kind: 'tooLarge', size });
        return;
      }
      sha256.update(bytes);
      md5.update(bytes);
      if (!hasCarriageReturn && bytes.includes(13)) hasCarriageReturn = true;
    });
    stream.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ENOENT' ? { kind: 'missing' } : { kind: 'notRead', reason: describeFsError(error) }));
    stream.on('end', () => resolve({ kind: 'hashed', sha256: sha256.digest('hex'), md5: md5.digest('hex'), size, hasCarriageReturn }));
  });
}

