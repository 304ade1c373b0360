// Extension-host test entry (bundled to dist/test/suite.js): runs the mocha suites inside a real VS Code.
/// <reference types="mocha" />
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', timeout: 120_000, color: false, reporter: 'spec' });
  // The suites are bundled into this file: install mocha's globals (suite, test, …) before loading them.
  mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, 'dist/test/suite.js', mocha);
  require('./activation.test');
  require('./inline.test');
  require('./edits.test');
  require('./chat.test');
  require('./settings.test');
  require('./sidecar.test');
  await new Promise<void>((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve()));
  });
}
