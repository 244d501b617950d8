// Express 4 is installed under the alias `express4` (npm:express@4); its API is the subset of
// Express 5's that the adapter uses, so Express 5's types describe it.
declare module 'express4' {
  import express from 'express';
  export default express;
}
