import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
@Injectable() class A { hi() { return 'a'; } }
@Injectable() class B { constructor(readonly a: A) {} }
it('DI works', async () => {
  const m = await Test.createTestingModule({ providers: [A, B] }).compile();
  expect(m.get(B).a.hi()).toBe('a');
});
