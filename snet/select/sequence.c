/* SPDX-License-Identifier: Apache-2.0 */
/* Go's path sequence language (antlr/Sequence.g4, private/path/pathpol/sequence.go): the same
 * tokens and the same precedence. Go turns the parse into a regular expression over the
 * path's "IA#in,out IA#in,out " string; each hop pattern there can only match one whole hop
 * ("isd-as#in,out" followed by spaces, neither part containing a space), so we match the same
 * language hop by hop: a Thompson automaton over hop predicates, simulated in time linear in
 * the path and the sequence (glibc's regcomp, tried first, needs exponential memory for
 * nested repetitions such as "((0+)+)+", which any input can contain). Predicates compare
 * text, as the regular expression does: ISD, AS and interface as Go prints them. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snet/err.h"
#include "snet/policy.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

/* Bounds on what a sequence may hold: Go has none, but its parser would need gigabytes of
 * stack beyond them. */
#define MAX_DEPTH 200
#define MAX_TEXT 24 /* a token's text beyond this never equals anything Go prints */

/* One hop predicate: each field a text to equal, or "" for the wildcard. */
struct pred {
	char isd[MAX_TEXT], as[MAX_TEXT];
	uint8_t n_ifs;            /* 0, 1 (either side) or 2 (ingress, egress) */
	char ifs[2][MAX_TEXT];
};

enum op { OP_PRED, OP_SPLIT, OP_JMP, OP_MATCH };

struct inst {
	uint8_t op;
	uint32_t x, y; /* PRED: predicate index; SPLIT: both targets; JMP: x */
};

struct snet_sequence {
	bool all; /* "" */
	size_t n_prog, n_preds;
	struct inst *prog;
	struct pred *preds;
};

enum tok { T_EOF, T_ZERO, T_NUM, T_WILDAS, T_LEGACYAS, T_AS, T_HASH, T_COMMA, T_QUEST,
	   T_PLUS, T_STAR, T_OR, T_LPAR, T_RPAR };

struct token {
	enum tok t;
	size_t pos, len;
};

struct parser {
	const char *src;
	struct token *toks;
	size_t n, i;
	char *err;
	size_t errlen;
	int failed;
};

/* ---- Lexer (maximal munch, as ANTLR's) ---- */

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* HEXA: [1-9a-fA-F][0-9a-fA-F]* | '0'. Length matched at s, 0 if none. */
static size_t hexa(const char *s)
{
	if (s[0] == '0')
		return 1;
	if (!is_hex(s[0]))
		return 0;
	size_t n = 1;
	while (is_hex(s[n]))
		n++;
	return n;
}

static size_t num(const char *s)
{
	if (s[0] < '1' || s[0] > '9')
		return 0;
	size_t n = 1;
	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

/* At a '-': the longest of WILDCARDAS, LEGACYAS and AS. */
static size_t dash(const char *s, enum tok *t)
{
	size_t best = 0, n;
	if (s[1] == '0')
		best = 2, *t = T_WILDAS;
	if ((n = num(s + 1)) && n + 1 > best)
		best = n + 1, *t = T_LEGACYAS;
	size_t a = hexa(s + 1), b = 0, c = 0;
	if (a && s[1 + a] == ':' && (b = hexa(s + 2 + a)) && s[2 + a + b] == ':' &&
	    (c = hexa(s + 3 + a + b)) && 3 + a + b + c > best)
		best = 3 + a + b + c, *t = T_AS;
	return best;
}

static int lex(struct parser *p)
{
	const char *s = p->src;
	size_t i = 0, cap = strlen(s) + 1;
	p->toks = malloc(cap * sizeof(*p->toks));
	if (!p->toks)
		return -ENOMEM;
	static const char singles[] = "#,?+*|()";
	static const enum tok single_t[] = { T_HASH, T_COMMA, T_QUEST, T_PLUS,
					     T_STAR, T_OR,    T_LPAR,  T_RPAR };
	while (s[i]) {
		struct token tk = { .pos = i, .len = 1 };
		const char *sp;
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
			i++;
			continue;
		} else if (s[i] == '0') {
			tk.t = T_ZERO;
		} else if ((tk.len = num(s + i))) {
			tk.t = T_NUM;
		} else if (s[i] == '-' && (tk.len = dash(s + i, &tk.t))) {
		} else if ((sp = strchr(singles, s[i])) && s[i]) {
			tk.t = single_t[sp - singles];
			tk.len = 1;
		} else {
			snprintf(p->err, p->errlen, "sequence: column %zu: no token starts at '%c'", i,
				 s[i]);
			return SNET_E_BAD_FIELD;
		}
		p->toks[p->n++] = tk;
		i += tk.len;
	}
	p->toks[p->n] = (struct token){ .t = T_EOF, .pos = i };
	return 0;
}

/* ---- Parser: an automaton program, emitted as the parse goes ---- */

static enum tok peek(const struct parser *p)
{
	return p->toks[p->i].t;
}

struct prog {
	struct inst *v;
	size_t n, cap;
	struct pred *preds;
	size_t n_preds, cap_preds;
	int depth;
};

static size_t emit(struct parser *p, struct prog *g, uint8_t op, uint32_t x, uint32_t y)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 64;
		struct inst *v = realloc(g->v, cap * sizeof(*v));
		if (!v) {
			p->failed = -1;
			return 0;
		}
		g->v = v, g->cap = cap;
	}
	g->v[g->n] = (struct inst){ op, x, y };
	return g->n++;
}

/* Moves instructions [from, n) one slot up and puts op at from (a SPLIT in front of what was
 * just parsed): jump targets inside the moved block shift with it. */
static void insert_at(struct parser *p, struct prog *g, size_t from, uint8_t op, uint32_t x,
		      uint32_t y)
{
	emit(p, g, OP_JMP, 0, 0);
	if (p->failed)
		return;
	memmove(&g->v[from + 1], &g->v[from], (g->n - 1 - from) * sizeof(g->v[0]));
	for (size_t i = from + 1; i < g->n; i++) {
		if (g->v[i].op == OP_SPLIT || g->v[i].op == OP_JMP) {
			if (g->v[i].x >= from)
				g->v[i].x++;
			if (g->v[i].op == OP_SPLIT && g->v[i].y >= from)
				g->v[i].y++;
		}
	}
	g->v[from] = (struct inst){ op, x, y };
}

static void *fail(struct parser *p, const char *what)
{
	if (!p->failed) {
		const struct token *t = &p->toks[p->i];
		if (t->t == T_EOF)
			snprintf(p->err, p->errlen, "sequence: column %zu: %s, found the end", t->pos,
				 what);
		else
			snprintf(p->err, p->errlen, "sequence: column %zu: %s, found '%.*s'", t->pos,
				 what, (int)t->len, p->src + t->pos);
	}
	p->failed = p->failed ? p->failed : 1;
	return NULL;
}

/* The token's text (after skip bytes), cut to MAX_TEXT - 1: longer never matches anyway, so
 * it is marked with a character no printed value holds. */
static void tok_text(const struct parser *p, size_t skip, char out[MAX_TEXT])
{
	const struct token *t = &p->toks[p->i];
	size_t n = t->len - skip;
	if (n >= MAX_TEXT) {
		snprintf(out, MAX_TEXT, "!");
		return;
	}
	memcpy(out, p->src + t->pos + skip, n);
	out[n] = '\0';
}

static bool iface(struct parser *p, char out[MAX_TEXT])
{
	enum tok t = peek(p);
	if (t != T_ZERO && t != T_NUM)
		return fail(p, "expected an interface ID"), false;
	if (t == T_ZERO)
		out[0] = '\0';
	else
		tok_text(p, 0, out);
	p->i++;
	return true;
}

/* onehop: isd [as [# iface [, iface]]] */
static bool onehop(struct parser *p, struct prog *g)
{
	struct pred pr = { .n_ifs = 0 };
	if (peek(p) == T_NUM)
		tok_text(p, 0, pr.isd);
	p->i++;
	enum tok t = peek(p);
	if (t == T_WILDAS || t == T_LEGACYAS || t == T_AS) {
		if (t != T_WILDAS)
			tok_text(p, 1, pr.as);
		p->i++;
		if (peek(p) == T_HASH) {
			p->i++;
			if (!iface(p, pr.ifs[0]))
				return false;
			pr.n_ifs = 1;
			if (peek(p) == T_COMMA) {
				p->i++;
				if (!iface(p, pr.ifs[1]))
					return false;
				pr.n_ifs = 2;
			}
		}
	}
	if (g->n_preds == g->cap_preds) {
		size_t cap = g->cap_preds ? 2 * g->cap_preds : 16;
		struct pred *v = realloc(g->preds, cap * sizeof(*v));
		if (!v)
			return p->failed = -1, false;
		g->preds = v, g->cap_preds = cap;
	}
	g->preds[g->n_preds] = pr;
	emit(p, g, OP_PRED, (uint32_t)g->n_preds++, 0);
	return !p->failed;
}

static bool starts_sequence(enum tok t)
{
	return t == T_LPAR || t == T_ZERO || t == T_NUM;
}

/* sequence[prec], ANTLR's rewrite of the left-recursive rule: ? 7, + 6, * 5, | 4 (right
 * operand at 5), concatenation 3 (right operand at 4). Emits the code of what it parsed. */
static bool sequence(struct parser *p, struct prog *g, int prec)
{
	size_t start = g->n;
	if (++g->depth > MAX_DEPTH)
		return fail(p, "nested too deeply"), false;
	if (peek(p) == T_LPAR) {
		p->i++;
		if (!sequence(p, g, 0))
			return false;
		if (peek(p) != T_RPAR)
			return fail(p, "expected ')'"), false;
		p->i++;
	} else if (peek(p) == T_ZERO || peek(p) == T_NUM) {
		if (!onehop(p, g))
			return false;
	} else {
		return fail(p, "expected a hop or '('"), false;
	}
	for (;;) {
		enum tok t = peek(p);
		if (p->failed)
			return false;
		if (t == T_QUEST && prec <= 7) {
			/* SPLIT body, end; body */
			p->i++;
			insert_at(p, g, start, OP_SPLIT, (uint32_t)start + 1, 0);
			g->v[start].y = (uint32_t)g->n;
		} else if (t == T_PLUS && prec <= 6) {
			/* body; SPLIT start, next */
			p->i++;
			emit(p, g, OP_SPLIT, (uint32_t)start, (uint32_t)g->n + 1);
		} else if (t == T_STAR && prec <= 5) {
			/* SPLIT body, end; body; JMP split */
			p->i++;
			insert_at(p, g, start, OP_SPLIT, (uint32_t)start + 1, 0);
			emit(p, g, OP_JMP, (uint32_t)start, 0);
			g->v[start].y = (uint32_t)g->n;
		} else if (t == T_OR && prec <= 4) {
			/* SPLIT left, right; left; JMP end; right */
			p->i++;
			insert_at(p, g, start, OP_SPLIT, (uint32_t)start + 1, 0);
			size_t jmp = emit(p, g, OP_JMP, 0, 0);
			g->v[start].y = (uint32_t)g->n;
			if (!sequence(p, g, 5))
				return false;
			g->v[jmp].x = (uint32_t)g->n;
		} else if (starts_sequence(t) && prec <= 3) {
			if (!sequence(p, g, 4))
				return false;
		} else {
			g->depth--;
			return true;
		}
	}
}

int snet_sequence_new(const char *src, snet_sequence **out, char *err, size_t errlen)
{
	char dummy[1];
	struct parser p = { .src = src, .err = err ? err : dummy, .errlen = err ? errlen : 1 };
	struct prog g = { 0 };
	*out = NULL;
	snet_sequence *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (*src == '\0') {
		s->all = true;
		*out = s;
		return 0;
	}
	int rc = lex(&p);
	if (!rc && sequence(&p, &g, 0) && peek(&p) != T_EOF)
		fail(&p, "expected the end");
	if (!rc && !p.failed)
		emit(&p, &g, OP_MATCH, 0, 0);
	if (!rc && p.failed)
		rc = p.failed < 0 ? -ENOMEM : SNET_E_BAD_FIELD;
	free(p.toks);
	if (rc) {
		free(g.v);
		free(g.preds);
		free(s);
		return rc;
	}
	s->prog = g.v, s->n_prog = g.n;
	s->preds = g.preds, s->n_preds = g.n_preds;
	*out = s;
	return 0;
}

void snet_sequence_free(snet_sequence *s)
{
	if (!s)
		return;
	free(s->prog);
	free(s->preds);
	free(s);
}

/* ---- Matching ---- */

/* One hop as Go prints it in GetSequence: "isd-as#in,out". */
struct hop_text {
	char isd[8], as[MAX_TEXT], in[MAX_TEXT], out[MAX_TEXT];
};

static bool text_ok(const char *want, const char *have)
{
	return !*want || strcmp(want, have) == 0;
}

static bool pred_ok(const struct pred *pr, const struct hop_text *h)
{
	if (!text_ok(pr->isd, h->isd) || !text_ok(pr->as, h->as))
		return false;
	if (pr->n_ifs == 1) /* ((IF,x)|(x,IF)) */
		return text_ok(pr->ifs[0], h->in) || text_ok(pr->ifs[0], h->out);
	if (pr->n_ifs == 2)
		return text_ok(pr->ifs[0], h->in) && text_ok(pr->ifs[1], h->out);
	return true;
}

static void hop_text(uint64_t ia, uint64_t in, uint64_t out, struct hop_text *h)
{
	snprintf(h->isd, sizeof(h->isd), "%u", (unsigned)(ia >> 48));
	snet_as_format(ia & 0xffffffffffffULL, h->as, sizeof(h->as));
	snprintf(h->in, sizeof(h->in), "%" PRIu64, in);
	snprintf(h->out, sizeof(h->out), "%" PRIu64, out);
}

/* Adds pc and what it reaches without consuming a hop (an explicit stack: no recursion). */
static void add(const snet_sequence *s, uint8_t *set, uint32_t *stack, uint32_t pc)
{
	size_t sp = 0;
	stack[sp++] = pc;
	while (sp) {
		pc = stack[--sp];
		if (set[pc])
			continue;
		set[pc] = 1;
		if (s->prog[pc].op == OP_JMP) {
			stack[sp++] = s->prog[pc].x;
		} else if (s->prog[pc].op == OP_SPLIT) {
			stack[sp++] = s->prog[pc].y;
			stack[sp++] = s->prog[pc].x;
		}
	}
}

bool snet_sequence_match(const snet_sequence *s, const snet_path *p)
{
	if (s->all)
		return true; /* Go: Eval returns the paths as they are */
	if (p->n_ifs % 2)
		return false; /* Go: GetSequence fails; logged and skipped */
	size_t n = s->n_prog;
	uint8_t *cur = calloc(2 * n, 1);
	uint32_t *stack = calloc(2 * n + 2, sizeof(*stack));
	if (!cur || !stack) {
		free(cur), free(stack);
		return false;
	}
	uint8_t *next = cur + n;
	add(s, cur, stack, 0);
	size_t hops = p->n_ifs ? p->n_ifs / 2 + 1 : 0;
	for (size_t h = 0; h < hops; h++) {
		struct hop_text t;
		size_t k = 2 * h;
		/* Go's GetSequence: the first AS (0, out), each middle one (in, out), the last (in, 0) */
		if (h == 0)
			hop_text(p->ifs[0].ia, 0, p->ifs[0].id, &t);
		else if (h + 1 == hops)
			hop_text(p->ifs[k - 1].ia, p->ifs[k - 1].id, 0, &t);
		else
			hop_text(p->ifs[k - 1].ia, p->ifs[k - 1].id, p->ifs[k].id, &t);
		memset(next, 0, n);
		for (size_t pc = 0; pc < n; pc++)
			if (cur[pc] && s->prog[pc].op == OP_PRED &&
			    pred_ok(&s->preds[s->prog[pc].x], &t))
				add(s, next, stack, (uint32_t)pc + 1);
		memcpy(cur, next, n);
	}
	bool ok = cur[n - 1]; /* the last instruction is the MATCH */
	free(cur);
	free(stack);
	return ok;
}

size_t snet_sequence_filter(const snet_sequence *s, const snet_path **paths, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (snet_sequence_match(s, paths[i]))
			paths[k++] = paths[i];
	return k;
}
