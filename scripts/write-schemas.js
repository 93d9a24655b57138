// Writes the published JSON Schemas (schemas/*.json) from their TypeBox sources in the build.
// Run by `npm run schemas`; a test fails when a committed schema is out of date.
import { writeFileSync } from 'node:fs';
import { schemaFiles } from '../dist/schemas.js';
import { AuditReport } from '../dist/audit/report.js';

for (const [file, schema] of Object.entries({ ...schemaFiles(), 'audit-report.schema.json': AuditReport })) {
  writeFileSync(new URL(`../schemas/${file}`, import.meta.url), JSON.stringify(schema, null, 2) + '\n');
  console.log(`wrote schemas/${file}`);
}
