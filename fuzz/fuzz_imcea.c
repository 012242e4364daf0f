/* fuzz_imcea - IMCEA decoding, Notes name abbreviation, address checks;
 * a decoded address encodes back to an address that decodes the same */
#include <stdlib.h>
#include <string.h>

#include "global/address.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len)
{
	char   *s = g_strndup((const char *)data, len);
	char   *dec, *enc, *again, *abbr;

	address_is_smtp(s);
	abbr = address_notes_abbreviate(s);
	g_free(abbr);
	if ((dec = address_imcea_decode("NOTES", s, NULL)) != NULL) {
		enc = address_imcea_encode("NOTES", dec, "example.com");
		again = address_imcea_decode("NOTES", enc, "example.com");
		if (!again || strcmp(again, dec) != 0)
			abort();
		g_free(enc);
		g_free(again);
		g_free(dec);
	}
	g_free(s);
	return 0;
}
