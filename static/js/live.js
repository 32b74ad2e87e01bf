/* Parallel You: live behaviour (vanilla JS over htmx). */
