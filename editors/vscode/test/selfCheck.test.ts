import { strict as assert } from 'assert';
import { test } from 'node:test';
import { FALLBACK_QUESTIONS, previousRatings, questionsFrom, ratingItems } from '../src/selfCheck';

test('the questions come from the server, else the built-in five', () => {
  const five = ['a', 'b', 'c', 'd', 'e'];
  assert.deepEqual(questionsFrom({ questions: five }), five);
  assert.deepEqual(questionsFrom({ questions: ['a'] }), FALLBACK_QUESTIONS);
  assert.deepEqual(questionsFrom(null), FALLBACK_QUESTIONS);
  assert.equal(FALLBACK_QUESTIONS.length, 5);
});

test('ratings 1 to 5, the ends named, the last answer marked', () => {
  const items = ratingItems(3);
  assert.deepEqual(
    items.map((i) => i.rating),
    [1, 2, 3, 4, 5],
  );
  assert.equal(items[0].description, 'very uncomfortable');
  assert.equal(items[1].description, undefined);
  assert.equal(items[2].description, 'so-so (last time)');
  assert.equal(items[4].description, 'comfortable');
  assert.deepEqual(previousRatings({ previous: { date: '2026-11-01', ratings: [1, 2, 3, 4, 5] } }), [1, 2, 3, 4, 5]);
  assert.equal(previousRatings({ previous: null }), undefined);
});
