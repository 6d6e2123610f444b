/**
 * The order of the system calls behind an atomic card-file write (DEVELOPERS.md: temp file,
 * fsync, rename, fsync of the directory), seen through a mocked node:fs. The SIGKILL test
 * (persistence.test.ts) cannot see a missing fsync: the page cache survives a killed
 * process, only a power cut loses it. Also: which directory-fsync errors are tolerated, and
 * the clean-up of a crashed writer's temp file on load.
 */
import * as realFs from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

type Call = { op: string; target: string | number };
const calls: Call[] = [];
const faults: { dirOpen?: string; dirFsync?: string } = {};
const directories = new Set<number>();

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const errno = (code: string) => Object.assign(new Error(`${code}: injected`), { code });
  const wrapped = {
    ...fs,
    openSync: (path: realFs.PathLike, flags?: realFs.OpenMode, mode?: realFs.Mode) => {
      const isDir = fs.statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
      if (isDir && faults.dirOpen) throw errno(faults.dirOpen);
      const fd = fs.openSync(path, flags ?? "r", mode);
      if (isDir) directories.add(fd);
      calls.push({ op: isDir ? 'open-dir' : 'open', target: String(path) });
      calls.push({ op: 'fd', target: fd });
      return fd;
    },
    writeSync: (fd: number, ...rest: unknown[]) => {
      calls.push({ op: 'write', target: fd });
      return (fs.writeSync as (...a: unknown[]) => number)(fd, ...rest);
    },
    fsyncSync: (fd: number) => {
      calls.push({ op: directories.has(fd) ? 'fsync-dir' : 'fsync', target: fd });
      if (directories.has(fd) && faults.dirFsync) throw errno(faults.dirFsync);
      fs.fsyncSync(fd);
    },
    closeSync: (fd: number) => {
      calls.push({ op: 'close', target: fd });
      directories.delete(fd);
      fs.closeSync(fd);
    },
    renameSync: (from: realFs.PathLike, to: realFs.PathLike) => {
      calls.push({ op: 'rename', target: `${String(from)} -> ${String(to)}` });
      fs.renameSync(from, to);
    },
  };
  return { ...wrapped, default: wrapped };
});

const { writeFileAtomic, removeStaleTempFiles } = await import('../../src/card/persistence.js');

const dir = realFs.mkdtempSync(join(tmpdir(), 'emvsim-fsync-'));
afterAll(() => realFs.rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  calls.length = 0;
  delete faults.dirOpen;
  delete faults.dirFsync;
});

describe('writeFileAtomic system-call order', () => {
  it('write -> fsync(file fd) -> close -> rename -> fsync(directory fd), temp file in dirname(path)', () => {
    const file = join(dir, 'card.json');
    writeFileAtomic(file, '{"a":1}\n');
    expect(realFs.readFileSync(file, 'utf8')).toBe('{"a":1}\n');
    const ops = calls.filter((c) => c.op !== 'fd').map((c) => c.op);
    expect(ops).toEqual(['open', 'write', 'fsync', 'close', 'rename', 'open-dir', 'fsync-dir', 'close']);
    const fileFd = calls[1]!.target;
    const tmp = calls[0]!.target as string;
    expect(dirname(tmp)).toBe(dir); // rename(2) is atomic only within one file system
    expect(tmp).not.toBe(file);
    expect(calls.find((c) => c.op === 'write')!.target).toBe(fileFd);
    expect(calls.find((c) => c.op === 'fsync')!.target).toBe(fileFd);
    expect(calls.find((c) => c.op === 'rename')!.target).toBe(`${tmp} -> ${file}`);
    const dirOpen = calls.findIndex((c) => c.op === 'open-dir');
    expect(calls[dirOpen]!.target).toBe(dir);
    expect(calls.find((c) => c.op === 'fsync-dir')!.target).toBe(calls[dirOpen + 1]!.target);
    expect(realFs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a platform that cannot open or fsync directories (EISDIR, EINVAL, EPERM) is tolerated', () => {
    for (const code of ['EISDIR', 'EPERM']) {
      faults.dirOpen = code;
      expect(() => writeFileAtomic(join(dir, 'a.json'), 'x')).not.toThrow();
    }
    delete faults.dirOpen;
    faults.dirFsync = 'EINVAL';
    expect(() => writeFileAtomic(join(dir, 'a.json'), 'y')).not.toThrow();
    expect(realFs.readFileSync(join(dir, 'a.json'), 'utf8')).toBe('y');
  });

  it('any other directory fsync error (EIO) is rethrown: the rename may not be durable', () => {
    faults.dirFsync = 'EIO';
    expect(() => writeFileAtomic(join(dir, 'b.json'), 'z')).toThrow(/EIO/);
    expect(calls.filter((c) => c.op === 'close').length).toBe(2); // the directory fd is closed anyway
  });
});

describe('temp files left by a crashed writer', () => {
  it('are removed for dead writers and kept for live ones', () => {
    const file = join(dir, 'crashed.json');
    realFs.writeFileSync(file, '{}');
    const dead = `.crashed.json.${2 ** 22 + 12345}.0.tmp`; // above Linux pid_max: no such process
    const live = `.crashed.json.${process.ppid}.3.tmp`;
    const other = `.other.json.${2 ** 22 + 12345}.0.tmp`;
    for (const n of [dead, live, other]) realFs.writeFileSync(join(dir, n), 'torn');
    expect(removeStaleTempFiles(file)).toEqual([dead]);
    expect(realFs.existsSync(join(dir, dead))).toBe(false);
    expect(realFs.existsSync(join(dir, live))).toBe(true);
    expect(realFs.existsSync(join(dir, other))).toBe(true);
    expect(realFs.readFileSync(file, 'utf8')).toBe('{}'); // the card file itself is the truth
  });
});
