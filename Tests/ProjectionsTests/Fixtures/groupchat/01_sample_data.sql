-- Insert AI models from current setup
INSERT INTO ai_models (id, name, display_name, avatar, provider) VALUES
('google/gemini-flash-1.5', 'Gemini', 'Gemini Flash 1.5', ' G ', 'google'),
('openai/gpt-4o-mini', 'GPT-4o mini', 'GPT-4o Mini', ' O ', 'openai'),
('anthropic/claude-3.5-sonnet', 'Claude', 'Claude 3.5 Sonnet', ' A ', 'anthropic'),
('meta-llama/llama-3-8b-instruct', 'Llama', 'Llama 3 8B', ' L ', 'meta'),
('deepseek/deepseek-v2-coder', 'DeepSeek V2', 'DeepSeek V2 Coder', ' D ', 'deepseek'),
('qwen/qwen-2-7b-instruct', 'Qwen', 'Qwen 2 7B', ' Q ', 'qwen');

-- Create default test user
INSERT INTO users (id, username, display_name) VALUES
('00000000-0000-0000-0000-000000000001', 'test_user', 'Test User');
