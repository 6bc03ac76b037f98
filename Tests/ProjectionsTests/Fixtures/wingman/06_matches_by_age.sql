-- Find matches by age range (uses idx_users_age)
SELECT * FROM users
WHERE user_type = 'match'
  AND (profile_data->>'age')::int BETWEEN 25 AND 35;
