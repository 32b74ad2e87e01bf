/* Parallel You: board behaviour (vanilla JS over htmx). */
