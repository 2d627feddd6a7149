/* SPDX-License-Identifier: Apache-2.0 */
/* Path sets (one arena each), Go's fingerprint, sequence and showpaths order. */
#include <errno.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "snet/pathset.h"

/* Chunks grow with the set, so that a large Paths reply costs a handful of mallocs. */
#define CHUNK_MIN 4096

struct chunk {
	struct chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

static struct chunk *chunk_new(size_t need, struct chunk *next)
{
	size_t cap = need > CHUNK_MIN ? need : CHUNK_MIN;
	if (next && cap < 2 * next->cap && next->cap < (SIZE_MAX >> 2))
		cap = 2 * next->cap;
	struct chunk *c = malloc(sizeof(*c) + cap);
	if (!c)
		return NULL;
	c->next = next;
	c->used = 0;
	c->cap = cap;
	return c;
}

static void *chunk_take(struct chunk **head, size_t n)
{
	size_t need = (n + 15) & ~(size_t)15;
	if (need < n)
		return NULL;
	struct chunk *c = *head;
	if (!c || c->cap - c->used < need) {
		c = chunk_new(need, c);
		if (!c)
			return NULL;
		*head = c;
	}
	void *p = c->data + c->used;
	c->used += need;
	return memset(p, 0, n);
}

snet_path_set *snet__path_set_new(void)
{
	struct chunk *head = NULL;
	snet_path_set *set = chunk_take(&head, sizeof(*set));
	if (set)
		set->priv_arena = head;
	return set;
}

void *snet__path_set_alloc(snet_path_set *set, size_t n)
{
	struct chunk *head = set->priv_arena;
	void *p = chunk_take(&head, n ? n : 1);
	set->priv_arena = head;
	return p;
}

char *snet__path_set_strdup(snet_path_set *set, const void *s, size_t len)
{
	char *d = len + 1 ? snet__path_set_alloc(set, len + 1) : NULL;
	if (d && len)
		memcpy(d, s, len);
	return d;
}

void snet_path_set_free(snet_path_set *set)
{
	if (!set)
		return;
	struct chunk *c = set->priv_arena;
	while (c) {
		struct chunk *next = c->next;
		free(c);
		c = next;
	}
}

static void be64(uint8_t *b, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		b[i] = (uint8_t)v;
}

bool snet_path_fingerprint(const snet_path *p, uint8_t out[SNET_PATH_FINGERPRINT_LEN])
{
	if (p->n_ifs == 0)
		return false;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	for (size_t i = 0; ok && i < p->n_ifs; i++) {
		uint8_t b[16];
		be64(b, p->ifs[i].ia);
		be64(b + 8, p->ifs[i].id);
		ok = EVP_DigestUpdate(ctx, b, sizeof(b));
	}
	unsigned len = 0;
	ok = ok && EVP_DigestFinal_ex(ctx, out, &len) && len == SNET_PATH_FINGERPRINT_LEN;
	EVP_MD_CTX_free(ctx);
	/* SHA-256 in the default provider does not fail short of memory exhaustion. */
	if (!ok)
		abort();
	return true;
}

/* One "IA#in,out" (Go: pathpol.hop). */
static int put_hop(char *buf, size_t cap, size_t *off, uint64_t ia, uint64_t in, uint64_t out)
{
	char ias[SNET_IA_STRLEN];
	snet_ia_format(ia, ias, sizeof(ias));
	int n = snprintf(buf + *off, cap - *off, "%s%s#%" PRIu64 ",%" PRIu64, *off ? " " : "",
			 ias, in, out);
	if (n < 0 || (size_t)n >= cap - *off)
		return -ENOSPC;
	*off += (size_t)n;
	return 0;
}

int snet_path_sequence(const snet_path *p, char *buf, size_t cap)
{
	size_t n = p->n_ifs, off = 0;
	if (n % 2)
		return -EINVAL;
	if (cap == 0)
		return -ENOSPC;
	buf[0] = '\0';
	if (n == 0)
		return 0;
	int rc = put_hop(buf, cap, &off, p->ifs[0].ia, 0, p->ifs[0].id);
	for (size_t i = 1; rc == 0 && i + 1 < n; i += 2)
		rc = put_hop(buf, cap, &off, p->ifs[i].ia, p->ifs[i].id, p->ifs[i + 1].id);
	if (rc == 0)
		rc = put_hop(buf, cap, &off, p->ifs[n - 1].ia, p->ifs[n - 1].id, 0);
	return rc ? rc : (int)off;
}

/* Go's Sort less(); 0 when equal. */
static int path_cmp(const snet_path *a, const snet_path *b)
{
	if (a->n_ifs != b->n_ifs)
		return a->n_ifs < b->n_ifs ? -1 : 1;
	for (size_t i = 0; i < a->n_ifs; i++) {
		if (a->ifs[i].ia != b->ifs[i].ia)
			return a->ifs[i].ia < b->ifs[i].ia ? -1 : 1;
		if (a->ifs[i].id != b->ifs[i].id)
			return a->ifs[i].id < b->ifs[i].id ? -1 : 1;
	}
	/* time.Time.Before on (seconds, nanos) after Go's normalisation */
	int64_t as = a->expiry + a->expiry_nsec / 1000000000, bs = b->expiry + b->expiry_nsec / 1000000000;
	int32_t an = a->expiry_nsec % 1000000000, bn = b->expiry_nsec % 1000000000;
	if (an < 0)
		an += 1000000000, as--;
	if (bn < 0)
		bn += 1000000000, bs--;
	if (as != bs)
		return as < bs ? -1 : 1;
	return an == bn ? 0 : an < bn ? -1 : 1;
}

void snet_path_sort(const snet_path **paths, size_t n)
{
	/* Insertion sort: stable, and path lists are short (tens). */
	for (size_t i = 1; i < n; i++) {
		const snet_path *x = paths[i];
		size_t j = i;
		for (; j > 0 && path_cmp(x, paths[j - 1]) < 0; j--)
			paths[j] = paths[j - 1];
		paths[j] = x;
	}
}

void snet_path_apply(const snet_path *p, snet_udp_addr *dst)
{
	dst->path_type = p->type;
	dst->path = p->raw;
	dst->path_len = p->len;
	dst->next_hop = p->next_hop;
}
