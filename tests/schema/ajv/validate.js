#!/usr/bin/env node
// Compile schema/copilot-manifest.schema.json with Ajv in strict mode (as SchemaStore does) and
// validate JSON instance files.
//
// Usage: node validate.js [--schema <schema.json>] <instance.json>...
// Prints one JSON object per instance file on its own line:
//   {"file": ..., "valid": bool, "errors": [...all Ajv errors...], "reduced": [...]}
// "reduced" drops the wrapper errors that only repeat a nested error (keyword "if", and the branch
// errors under a failed anyOf/oneOf), so it matches the top-level errors of Python's jsonschema.
// Exit status: 0 when every file is valid, 1 when one is invalid, 2 when the schema does not compile.
"use strict";

const fs = require("fs");
const path = require("path");
const Ajv = require("ajv");

// Editor extension keywords used in the schema (vscode-json-languageservice, redhat yaml-language-server).
const EXTENSION_KEYWORDS = [
  "markdownDescription",
  "defaultSnippets",
  "enumDescriptions",
  "markdownEnumDescriptions",
  "deprecationMessage",
  "doNotSuggest",
  "errorMessage",
  "patternErrorMessage",
  "allowTrailingCommas",
];

function main(argv) {
  let schemaPath = path.resolve(__dirname, "../../../schema/copilot-manifest.schema.json");
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--schema") {
      schemaPath = argv[++i];
    } else {
      files.push(argv[i]);
    }
  }
  // allowUnionTypes: the schema writes unions as type lists (e.g. definitions.stringLike) on purpose, so
  // that each violation yields one precisely located error; everything else is Ajv strict mode.
  const ajv = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true });
  ajv.addVocabulary(EXTENSION_KEYWORDS);
  let validate;
  try {
    validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
  } catch (err) {
    process.stderr.write(`schema does not compile under Ajv strict mode: ${err.message}\n`);
    return 2;
  }
  let status = 0;
  for (const file of files) {
    const instance = JSON.parse(fs.readFileSync(file, "utf8"));
    const valid = validate(instance);
    const errors = (validate.errors || []).map((e) => ({
      instancePath: e.instancePath,
      schemaPath: e.schemaPath,
      keyword: e.keyword,
      params: e.params,
      message: e.message,
    }));
    if (!valid) status = 1;
    process.stdout.write(JSON.stringify({ file, valid, errors, reduced: reduce(errors) }) + "\n");
  }
  return status;
}

function reduce(errors) {
  const unions = errors
    .filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf")
    .map((e) => e.schemaPath + "/");
  return errors.filter(
    (e) => e.keyword !== "if" && !unions.some((prefix) => e.schemaPath.startsWith(prefix)),
  );
}

process.exitCode = main(process.argv.slice(2));
