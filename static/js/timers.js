/* Parallel You: timers behaviour (vanilla JS over htmx). */
