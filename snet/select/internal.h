/* SPDX-License-Identifier: Apache-2.0 */
/* Between the policy files of the selection layer. Internal. */
#ifndef SNET_SELECT_INTERNAL_H
#define SNET_SELECT_INTERNAL_H

#include "snet/policy.h"

int snet__acl_entry_parse(const char *text, snet_acl_entry *e, char *err, size_t errlen);
int snet__acl_check(const snet_acl_entry *v, size_t n, char *err, size_t errlen);
bool snet__acl_allows(const snet_acl_entry *v, size_t n, const snet_path *p);

#endif
