-- Search profile data (uses idx_users_profile_data_gin)
SELECT * FROM users
WHERE profile_data @> '{"location": "NYC"}'::jsonb;
