/* SPDX-License-Identifier: Apache-2.0 */
/* OneHop path type 2 (Go: pkg/slayers/path/onehop). */
#include "snet/wire.h"

int snet_onehop_parse(const uint8_t *buf, size_t len, snet_onehop_path *p)
{
	if (len < SNET_ONEHOP_LEN)
		return SNET_E_TRUNCATED;
	if (len > SNET_ONEHOP_LEN)
		return SNET_E_BAD_PATH_LEN;
	snet_info_field_parse(buf, &p->info);
	snet_hop_field_parse(buf + SNET_INFO_LEN, &p->first);
	snet_hop_field_parse(buf + SNET_INFO_LEN + SNET_HOP_LEN, &p->second);
	return 0;
}

int snet_onehop_emit(const snet_onehop_path *p, uint8_t *buf, size_t cap)
{
	if (cap < SNET_ONEHOP_LEN)
		return SNET_E_NOBUF;
	snet_info_field_emit(&p->info, buf);
	snet_hop_field_emit(&p->first, buf + SNET_INFO_LEN);
	snet_hop_field_emit(&p->second, buf + SNET_INFO_LEN + SNET_HOP_LEN);
	return SNET_ONEHOP_LEN;
}
