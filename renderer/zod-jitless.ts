/**
 * Must be the first import of main.tsx. zod 4 compiles object parsers with `new Function` unless
 * told not to, and decides when each schema is created (at import of shared/contract). Under our
 * CSP (no 'unsafe-eval') that probe would be blocked and reported as a violation, so switch it
 * off before any schema exists.
 */
import { z } from 'zod';

z.config({ jitless: true });
