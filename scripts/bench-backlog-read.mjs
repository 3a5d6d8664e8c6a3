// The ways Node can read the backups/ backlog that scripts/bench-backlog.mjs builds, for its `read`
// command: each reads every file's size, age and inode and returns [files, bytes]. Apart from
// bench-backlog.mjs so that each file stays within the size limits (docs/DECISIONS.md D22).
import { lstat, lstatSync, opendirSync, readdirSync } from 'node:fs';
import { lstat as lstatAsync, readdir as readdirAsync } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

/** Every table's backups/ folder, as the check finds them. */
function backupFolders(dataDir) {
  dataDir = resolve(dataDir);
  const folders = [];
  for (const keyspace of readdirSync(dataDir, { withFileTypes: true })) {
    if (!keyspace.isDirectory()) continue;
    for (const table of readdirSync(join(dataDir, keyspace.name)))
      folders.push(join(dataDir, keyspace.name, table, 'backups'));
  }
  return folders;
}

/** One way each of reading every file's size, age and inode; each returns [files, bytes]. */
export const METHODS = {
  'readdir + lstatSync'(dataDir) {
    let files = 0;
    let bytes = 0;
    for (const folder of backupFolders(dataDir)) {
      for (const name of readdirSync(folder)) {
        const s = lstatSync(`${folder}/${name}`);
        files++;
        bytes += s.size;
      }
    }
    return [files, bytes];
  },
  'readdir with file types + lstatSync'(dataDir) {
    let files = 0;
    let bytes = 0;
    for (const folder of backupFolders(dataDir)) {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const s = lstatSync(`${folder}/${entry.name}`);
        files++;
        bytes += s.size;
      }
    }
    return [files, bytes];
  },
  'opendirSync + lstatSync'(dataDir) {
    let files = 0;
    let bytes = 0;
    for (const folder of backupFolders(dataDir)) {
      const dir = opendirSync(folder, { bufferSize: 1024 });
      for (let entry = dir.readSync(); entry !== null; entry = dir.readSync()) {
        const s = lstatSync(`${folder}/${entry.name}`);
        files++;
        bytes += s.size;
      }
      dir.closeSync();
    }
    return [files, bytes];
  },
  'readdir + lstatSync of bare names from inside each folder (chdir)'(dataDir) {
    let files = 0;
    let bytes = 0;
    for (const folder of backupFolders(dataDir)) {
      process.chdir(folder);
      for (const name of readdirSync('.')) {
        const s = lstatSync(name);
        files++;
        bytes += s.size;
      }
    }
    return [files, bytes];
  },
  async 'fs/promises, one folder at a time, its lstats batched'(dataDir) {
    let files = 0;
    let bytes = 0;
    for (const folder of backupFolders(dataDir)) {
      const names = await readdirAsync(folder);
      for (const s of await Promise.all(names.map((name) => lstatAsync(`${folder}/${name}`)))) {
        files++;
        bytes += s.size;
      }
    }
    return [files, bytes];
  },
  async 'lstat callbacks, 64 in flight'(dataDir) {
    const paths = backupFolders(dataDir).flatMap((folder) => readdirSync(folder).map((name) => `${folder}/${name}`));
    let files = 0;
    let bytes = 0;
    let next = 0;
    await new Promise((resolve, reject) => {
      let active = 0;
      const start = () => {
        while (active < 64 && next < paths.length) {
          active++;
          lstat(paths[next++], (error, s) => {
            if (error) return reject(error);
            active--;
            files++;
            bytes += s.size;
            if (active === 0 && next === paths.length) resolve();
            else start();
          });
        }
      };
      start();
    });
    return [files, bytes];
  },
  async 'two worker threads, readdir with file types + lstatSync each'(dataDir) {
    const folders = backupFolders(dataDir);
    const half = Math.ceil(folders.length / 2);
    const code = `const { parentPort, workerData } = require('node:worker_threads'); const fs = require('node:fs');
      let files = 0, bytes = 0;
      for (const folder of workerData) for (const e of fs.readdirSync(folder, { withFileTypes: true })) { if (!e.isFile()) continue; const s = fs.lstatSync(folder + '/' + e.name); files++; bytes += s.size; }
      parentPort.postMessage([files, bytes]);`;
    const parts = await Promise.all(
      [folders.slice(0, half), folders.slice(half)].map(
        (part) =>
          new Promise((resolve, reject) =>
            new Worker(code, { eval: true, workerData: part }).once('message', resolve).once('error', reject),
          ),
      ),
    );
    return [parts[0][0] + parts[1][0], parts[0][1] + parts[1][1]];
  },
};
