/*
 * mcp.h: the MCP server (DESIGN.md section 10).  mcp.c owns the JSON-RPC
 * conversation on stdin/stdout and the loop that waits for the host's
 * replies; mcp_tool.c owns the tools: their schemas, the checks of their
 * arguments and the host requests and results they become; mcp_text.c
 * owns the text of a result, what a model reads.
 */
#ifndef MCP_H
#define MCP_H

#include <jansson.h>

struct config;
struct mcp;
struct mcp_tool;

/* JSON-RPC error codes. */
#define MCP_PARSE_ERROR		-32700
#define MCP_INVALID_REQUEST	-32600
#define MCP_METHOD_NOT_FOUND	-32601
#define MCP_INVALID_PARAMS	-32602
#define MCP_NOT_INITIALIZED	-32002	/* as LSP's ServerNotInitialized */

/* What a tool needs from the server to build its host request. */
struct mcp_ctx {
	const char	*whoami;
	const char	*cwd;
	const char	*id;		/* the host request's id */
	json_t		*base_env;	/* the server's, for [run] env = client */
};

/* Where a tool's answer comes from. */
enum mcp_tool_kind {
	MCP_TOOL_RUN,		/* a run request: its response */
	MCP_TOOL_CONTROL,	/* a control line: the host's reply */
	MCP_TOOL_CHECK,		/* check_host: the host lock, no request */
	MCP_TOOL_JOURNAL	/* read_output: the journal, no request */
};

int		 mcp_serve(const struct config *, const char *, int, int);
struct mcp	*mcp_new(const struct config *, const char *, int, int, char **);
void		 mcp_line(struct mcp *, const char *, size_t);
void		 mcp_free(struct mcp *);

const struct mcp_tool *mcp_tool_find(const char *);
enum mcp_tool_kind mcp_tool_kind(const struct mcp_tool *);
const char	*mcp_tool_name(const struct mcp_tool *);
double		 mcp_tool_deadline(const struct mcp_tool *, json_t *);
json_t		*mcp_tool_list(const char *);
int		 mcp_tool_request(const struct mcp_tool *, json_t *,
		    const struct mcp_ctx *, json_t **, char **);
json_t		*mcp_tool_result(json_t *, const char *, int);
json_t		*mcp_tool_error(const char *, int);
json_t		*mcp_tool_refused(const char *, const char *, int);
json_t		*mcp_tool_read_output(json_t *, const char *, size_t, int);

char		*mcp_text(json_t *);

#endif
