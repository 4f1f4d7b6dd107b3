/*
 * utf8.h: UTF-8 decoding, encoding, validation, character width and the
 * classes of characters (controls, bidi controls) the rest of rexec asks
 * about.
 *
 * This module owns every rule about UTF-8 in rexec: what is a valid
 * sequence, how an invalid one is replaced, and how many columns a
 * character takes.  It never allocates except in utf8_sanitize() and never
 * looks at terminal escapes.
 *
 * Invalid input becomes one U+FFFD per maximal subpart of an ill-formed
 * sequence (Unicode 15, section 3.9, "U+FFFD Substitution of Maximal
 * Subparts"; what Python's errors="replace" and the WHATWG decoder do):
 * a lone continuation byte, C0, C1, F5..FF, an overlong or surrogate
 * prefix (E0 80, ED A0, F0 80, F4 90) each give one U+FFFD per byte; a
 * valid prefix cut short by a byte that cannot continue it gives one
 * U+FFFD for the whole prefix and the byte is decoded afresh.
 */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_REPLACEMENT	0xfffdU

/*
 * Streaming decoder.  Zero-initialise it (or call utf8_decoder_init) and
 * push bytes through utf8_decode_byte(); the state carries a sequence
 * across calls, so chunk boundaries never matter.
 */
struct utf8_decoder {
	uint32_t	cp;	/* bits gathered so far */
	uint8_t		need;	/* continuation bytes still expected */
	uint8_t		lo;	/* allowed range of the next byte */
	uint8_t		hi;
};

void	utf8_decoder_init(struct utf8_decoder *);
int	utf8_decoder_pending(const struct utf8_decoder *);
int	utf8_decode_byte(struct utf8_decoder *, uint8_t, uint32_t out[2]);
int	utf8_decode_finish(struct utf8_decoder *, uint32_t out[1]);

size_t	utf8_encode_cp(uint32_t, char out[4]);
size_t	utf8_encoded_len(uint32_t);
size_t	utf8_char(const void *, size_t, uint32_t *);
int	utf8_valid(const void *, size_t);
char	*utf8_sanitize(const void *, size_t, size_t *);
size_t	utf8_truncate(const char *, size_t);
size_t	utf8_boundary_after(const char *, size_t, size_t);
unsigned int utf8_width(uint32_t);
int	utf8_is_control(uint32_t);
int	utf8_is_bidi(uint32_t);

#endif
