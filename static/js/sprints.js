/* Parallel You: sprints behaviour (vanilla JS over htmx). */
