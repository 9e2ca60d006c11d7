/**
 * Entry of a search job's process, forked by the search service once per job
 * (search-runner.ts); not started on its own.
 */
import { serveJobProcess } from '../../common/src/job-process.js';
import { computeSearch, type SearchComputeInput, type SearchOutcome } from './search-compute.js';

serveJobProcess<SearchComputeInput, SearchOutcome>(computeSearch);
