-- Find matches by interests (uses idx_users_interests)
SELECT * FROM users
WHERE user_type = 'match'
  AND profile_data->'interests' @> '["tech"]'::jsonb;
