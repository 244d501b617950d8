import { expect, it } from 'vitest';
import { typeErrors } from './nestjs-fixture.js';

it('the recipe type-checks as a Nest project (strict, experimentalDecorators, emitDecoratorMetadata)', {
  timeout: 90_000,
}, () => {
  expect(typeErrors()).toEqual([]);
});
