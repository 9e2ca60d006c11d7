/** Loads every op family so that all 17 ops are registered. */
import './pool.js';
import './skip.js';
import './conv.js';
import './cweight.js';
import './up.js';
