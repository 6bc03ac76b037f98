-- Seed 004 names this search ("user_memory ... Semantic search with pgvector embeddings", the
-- hnsw (embedding vector_ip_ops) index, "See: 03 - pgvector Semantic Search") but the page with the
-- query is not among our documents. This is pgvector's canonical inner-product search, written here
-- rather than copied: $1 the query embedding, $2 the user, $3 how many. `<#>` is the negative inner
-- product, so the nearest memory (largest inner product) comes first and the hnsw index serves it.
SELECT id, content, type, category, relevance, (embedding <#> $1) * -1 AS similarity
FROM user_memory
WHERE user_id = $2
ORDER BY embedding <#> $1
LIMIT $3;
