/* SPDX-License-Identifier: Apache-2.0 */
/* snet-pkt: decode, encode and answer SCION packets, like tshark for SCION.
 * Exit status: 0 ok, 1 malformed input, 2 bad command line. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt_json.h"

#ifndef SNET_DOCDIR
#define SNET_DOCDIR "/usr/local/share/doc/snet"
#endif

#define PKT_MAX 65536 + SNET_MAX_HDR_LEN + 2048

enum mode { DECODE, ENCODE, REPLY, ADDR, MAC };

struct opts {
	enum mode mode;
	bool hex, jsonl;
	const char *file;
};

static uint8_t pkt[PKT_MAX], out[PKT_MAX], pathbuf[SNET_MAX_HDR_LEN];
static char hexbuf[2 * PKT_MAX + 2];

static void usage(FILE *f)
{
	fprintf(f, "usage: snet-pkt decode|encode|reply|addr|mac [FILE|-] [--hex] [--jsonl]\n"
		   "  decode  packet (raw, or hex with --hex) -> one JSON object\n"
		   "  encode  JSON -> packet (raw, or one hex line with --hex)\n"
		   "  reply   packet -> the reply Go would send\n"
		   "  addr    lines \"ia TEXT\" or \"udp TEXT\" -> \"ok CANONICAL\" or \"err NAME\"\n"
		   "  mac     lines \"MASTERKEY_HEX SEGID TS EXPTIME INGRESS EGRESS\" -> 6-byte MAC hex\n"
		   "  --hex   packets as hex text instead of raw bytes\n"
		   "  --jsonl many packets: one per input line (decode: hex; encode: JSON)\n"
		   "The JSON schema and the error lines: " SNET_DOCDIR "/snet-pkt.md\n"
		   "(tools/snet-pkt/README.md in the source tree).\n"
		   "Exit: 0 ok, 1 malformed input, 2 bad command line.\n");
}

/* What went wrong with one input, for the error line. */
struct fault {
	char msg[320];
	long off; /* the byte of the packet it was found at, or -1 */
};

static int fault(struct fault *f, int err, const char *fmt, ...)
{
	va_list ap;
	f->off = -1;
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
	return err;
}

/* Every error the same way, on stderr: "snet-pkt: [line N: ]NAME: message". */
static void report(long line, int err, const struct fault *f)
{
	if (line)
		fprintf(stderr, "snet-pkt: line %ld: %s: %s\n", line, snet_err_name(err), f->msg);
	else
		fprintf(stderr, "snet-pkt: %s: %s\n", snet_err_name(err), f->msg);
}

static char *read_all(const char *file, size_t *len)
{
	FILE *f = (!file || strcmp(file, "-") == 0) ? stdin : fopen(file, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap + 1);
	size_t r;
	while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			char *nb = realloc(b, 2 * cap + 1);
			if (!nb) {
				free(b);
				b = NULL;
				break;
			}
			b = nb;
			cap *= 2;
		}
	}
	if (f != stdin)
		fclose(f);
	if (b)
		b[n] = 0;
	*len = n;
	return b;
}

static void write_pkt(const uint8_t *b, size_t n, bool hex)
{
	if (hex) {
		hex_encode(b, n, hexbuf);
		printf("%s\n", hexbuf);
	} else {
		fwrite(b, 1, n, stdout);
	}
}

/* A packet that does not parse: the error and the byte it was found at. */
static int bad_packet(struct fault *f, int err, size_t off)
{
	fault(f, err, "%s at byte %zu", snet_strerror(err), off);
	f->off = (long)off;
	return err;
}

/* One packet's worth of input -> output. Returns 0 or an error that f describes. */
static int decode_one(const uint8_t *b, size_t n, struct fault *f)
{
	snet_pkt p;
	size_t off;
	int r = snet_pkt_parse(b, n, &p, &off);
	if (r < 0)
		return bad_packet(f, r, off);
	json_t *j = pkt_to_json(&p);
	char *s = json_dumps(j, JSON_COMPACT);
	printf("%s\n", s);
	free(s);
	json_decref(j);
	return 0;
}

static int reply_one(const uint8_t *b, size_t n, bool hex, struct fault *f)
{
	snet_pkt p, r;
	size_t off;
	int e = snet_pkt_parse(b, n, &p, &off);
	if (e < 0)
		return bad_packet(f, e, off);
	if ((e = snet_pkt_reply(&p, &r, pathbuf, sizeof(pathbuf))) < 0 ||
	    (e = snet_pkt_emit(&r, SNET_EMIT_FIX, out, sizeof(out))) < 0)
		return fault(f, e, "no reply: %s", snet_strerror(e));
	write_pkt(out, (size_t)e, hex);
	return 0;
}

static int encode_one(const char *text, size_t len, bool hex, struct fault *f)
{
	json_error_t jerr;
	const char *what;
	json_t *j = json_loadb(text, len, 0, &jerr);
	if (!j)
		return fault(f, SNET_E_BAD_JSON, "JSON line %d column %d: %s", jerr.line, jerr.column,
			     jerr.text);
	int n = pkt_from_json(j, out, sizeof(out), &what);
	json_decref(j);
	if (n < 0)
		return fault(f, n, "%s", what);
	write_pkt(out, (size_t)n, hex);
	return 0;
}

/* Raw or hex input to packet bytes. */
static int to_bytes(const char *in, size_t len, bool hex, const uint8_t **b, size_t *n,
		    struct fault *f)
{
	size_t off;
	if (!hex) {
		*b = (const uint8_t *)in;
		*n = len;
		return 0;
	}
	int r = snet_hex_decode(in, len, pkt, sizeof(pkt), &off);
	if (r < 0)
		return fault(f, r, "%s at character %zu", snet_strerror(r), off);
	*b = pkt;
	*n = (size_t)r;
	return 0;
}

/* addr: what we make of an address string, for comparison with Go's. */
static int addr_one(const char *line, size_t len)
{
	char text[SNET_ADDR_STRLEN];
	int r;
	if (len > 3 && strncmp(line, "ia ", 3) == 0) {
		uint64_t ia;
		r = snet_ia_parse(line + 3, len - 3, &ia);
		if (!r)
			snet_ia_format(ia, text, sizeof(text));
	} else if (len > 4 && strncmp(line, "udp ", 4) == 0) {
		snet_udp_addr a;
		r = snet_udp_addr_parse(line + 4, len - 4, &a);
		if (!r)
			snet_udp_addr_format(&a, text, sizeof(text));
	} else {
		r = SNET_E_BAD_JSON;
	}
	if (r)
		printf("err %s\n", snet_err_name(r));
	else
		printf("ok %s\n", text);
	return 0;
}

/* mac: a hop field's MAC under a master key (PBKDF2 then AES-CMAC). */
static int mac_one(const char *line, size_t len, struct fault *f)
{
	char hexkey[130], tmp[256], end;
	unsigned seg, exp, in, eg;
	unsigned long ts;
	uint8_t master[64], key[16], mac[16];
	snprintf(tmp, sizeof(tmp), "%.*s", (int)len, line);
	if (sscanf(tmp, "%129s %u %lu %u %u %u %c", hexkey, &seg, &ts, &exp, &in, &eg, &end) != 6 ||
	    seg > 0xffff || ts > 0xffffffff || exp > 0xff || in > 0xffff || eg > 0xffff)
		return fault(f, SNET_E_BAD_FIELD,
			     "expected MASTERKEY_HEX SEGID(16 bits) TS(32) EXPTIME(8) INGRESS(16) "
			     "EGRESS(16)");
	size_t off;
	int n = snet_hex_decode(hexkey, strlen(hexkey), master, sizeof(master), &off);
	if (n <= 0 || snet_hf_key_derive(master, (size_t)n, key))
		return fault(f, SNET_E_BAD_HEX, "master key: expected 1..64 bytes of hex");
	snet_hop_field h = { .exp_time = (uint8_t)exp, .cons_ingress = (uint16_t)in,
			     .cons_egress = (uint16_t)eg };
	if (snet_hf_mac(key, (uint16_t)seg, (uint32_t)ts, &h, mac))
		return fault(f, SNET_E_BAD_FIELD, "MAC computation failed");
	hex_encode(mac, SNET_MAC_LEN, tmp);
	printf("%s\n", tmp);
	return 0;
}

static int run_one(const struct opts *o, const char *in, size_t len, struct fault *f)
{
	const uint8_t *b = NULL;
	size_t n = 0;
	int r;
	if (o->mode == ENCODE)
		return encode_one(in, len, o->hex, f);
	if (o->mode == ADDR)
		return addr_one(in, len);
	if (o->mode == MAC)
		return mac_one(in, len, f);
	if ((r = to_bytes(in, len, o->hex || o->jsonl, &b, &n, f)) < 0)
		return r;
	return o->mode == DECODE ? decode_one(b, n, f) : reply_one(b, n, o->hex, f);
}

/* Line modes keep one output line per input line: a bad line leaves a mark in place (JSON
 * for decode/encode, "err NAME" for mac, as addr prints), its reason goes to stderr. */
static void line_error(const struct opts *o, long no, int err, const struct fault *f)
{
	report(no, err, f);
	if (o->mode == MAC)
		printf("err %s\n", snet_err_name(err));
	else if (f->off >= 0)
		printf("{\"error\": \"%s\", \"line\": %ld, \"offset\": %ld}\n", snet_err_name(err),
		       no, f->off);
	else
		printf("{\"error\": \"%s\", \"line\": %ld}\n", snet_err_name(err), no);
}

static int run_lines(const struct opts *o, char *in, size_t len)
{
	int bad = 0;
	long no = 0;
	char *line = in, *end = in + len;
	while (line < end) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t ll = nl ? (size_t)(nl - line) : (size_t)(end - line);
		struct fault f;
		no++;
		if (ll > 0 && strspn(line, " \t\r") < ll) {
			int r = run_one(o, line, ll, &f);
			if (r < 0) {
				line_error(o, no, r, &f);
				bad = 1;
			}
		}
		line += ll + 1;
	}
	return bad;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longs[] = { { "hex", no_argument, NULL, 'x' },
					       { "jsonl", no_argument, NULL, 'j' },
					       { "help", no_argument, NULL, 'h' },
					       { NULL, 0, NULL, 0 } };
	int c;
	memset(o, 0, sizeof(*o));
	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		if (c == 'x')
			o->hex = true;
		else if (c == 'j')
			o->jsonl = true;
		else if (c == 'h')
			return 1;
		else
			return -1;
	}
	if (optind >= argc)
		return -1;
	const char *m = argv[optind++];
	if (strcmp(m, "decode") == 0)
		o->mode = DECODE;
	else if (strcmp(m, "encode") == 0)
		o->mode = ENCODE;
	else if (strcmp(m, "reply") == 0)
		o->mode = REPLY;
	else if (strcmp(m, "addr") == 0)
		o->mode = ADDR, o->jsonl = true;
	else if (strcmp(m, "mac") == 0)
		o->mode = MAC, o->jsonl = true;
	else
		return -1;
	if (optind < argc)
		o->file = argv[optind++];
	return optind == argc ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct opts o;
	int a = parse_args(argc, argv, &o);
	if (a) {
		usage(a > 0 ? stdout : stderr);
		return a > 0 ? 0 : 2;
	}
	size_t len;
	char *in = read_all(o.file, &len);
	if (!in) {
		fprintf(stderr, "snet-pkt: %s: %s\n", o.file ? o.file : "-", strerror(errno));
		return 2;
	}
	int rc = 0;
	if (o.jsonl) {
		rc = run_lines(&o, in, len);
	} else {
		struct fault f;
		int r = run_one(&o, in, len, &f);
		if (r < 0) {
			report(0, r, &f);
			rc = 1;
		}
	}
	free(in);
	fflush(stdout);
	return rc;
}
