// @ts-check
// The JDK that runs Cassandra and nodetool and builds the isolated agent: found, and its version checked.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { which } from './commands.mjs';

/**
 * @typedef {object} Jdk
 * @property {string} java
 * @property {string} javac
 * @property {string} jar
 * @property {number} javaMajor
 */

/**
 * Finds the JDK: $JAVA_HOME/bin/java, else `java` on PATH. Checks its major version (17..23) and that
 * javac and jar are beside it.
 * @returns {Jdk}
 */
export function findJdk() {
  const fromHome = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : null;
  const java = fromHome && fs.existsSync(fromHome) ? fromHome : which('java');
  if (!java) {
    throw new Error(
      'Real-Cassandra tests need a Java 17 JDK: no `java` on PATH and no usable $JAVA_HOME. ' +
        'Install one (Debian: apt-get install openjdk-17-jdk-headless).',
    );
  }
  const javaMajor = checkedMajorVersion(java);
  const binDir = path.dirname(fs.realpathSync(java));
  const javac = path.join(binDir, 'javac');
  const jar = path.join(binDir, 'jar');
  if (!fs.existsSync(javac) || !fs.existsSync(jar)) {
    throw new Error(
      `Real-Cassandra tests need a full JDK (javac and jar beside ${fs.realpathSync(java)}), to build the ` +
        'small agent that isolates the Jolokia 1.x agent. Debian: apt-get install openjdk-17-jdk-headless.',
    );
  }
  return { java, javac, jar, javaMajor };
}

/**
 * @param {string} java
 * @returns {number}
 */
function checkedMajorVersion(java) {
  const out = spawnSync(java, ['-version'], { encoding: 'utf8' });
  const text = `${out.stderr ?? ''}${out.stdout ?? ''}`;
  const m = text.match(/version "(\d+)(?:\.(\d+))?/);
  const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : NaN;
  if (!(major >= 17 && major < 24)) {
    throw new Error(
      `Real-Cassandra tests need Java 17..23 (Cassandra 5.0 runs on 11/17, Jolokia 2.6 needs 17, JDK 24+ ` +
        `removed the SecurityManager Cassandra installs). ${java} says: ${text.split('\n')[0] ?? text}`,
    );
  }
  return major;
}
