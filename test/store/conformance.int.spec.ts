// The one conformance spec: the whole suite over every store under test (CUTOVER_TEST_STORES).
import { ledgerStoreConformance } from './conformance.js';
import { storesUnderTest } from './stores.js';

for (const [name, factory] of storesUnderTest()) ledgerStoreConformance(name, factory);
