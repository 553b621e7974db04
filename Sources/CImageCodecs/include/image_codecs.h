#ifndef GLOBALCONV_IMAGE_CODECS_H
#define GLOBALCONV_IMAGE_CODECS_H

#include <stddef.h>

/// An 8-bit RGB image, rows top to bottom, pixels interleaved (R, G, B); `rgb` is malloc'd
/// (free with gc_image_free).
typedef struct {
    int width;
    int height;
    unsigned char *rgb;
} gc_image;

/// Decodes the PNG at `path` to 8-bit RGB (grey replicated, alpha dropped, palettes expanded) through
/// libpng's simplified API. Returns 0, or -1 with a message in `err` (also for images over 2^26 pixels).
int gc_decode_png(const char *path, gc_image *out, char *err, size_t errlen);

/// Decodes the JPEG at `path` to 8-bit RGB with libjpeg's defaults (islow IDCT, fancy upsampling;
/// greyscale converted to RGB). Returns 0, or -1 with a message in `err` (CMYK files are refused).
int gc_decode_jpeg(const char *path, gc_image *out, char *err, size_t errlen);

/// Writes `rgb` (width × height × 3 bytes) as an 8-bit RGB PNG. Returns 0, or -1 with a message.
int gc_encode_png(const char *path, const unsigned char *rgb, int width, int height, char *err, size_t errlen);

/// Writes `rgb` as a baseline JPEG of `quality` (1...100). Returns 0, or -1 with a message.
int gc_encode_jpeg(const char *path, const unsigned char *rgb, int width, int height, int quality,
                   char *err, size_t errlen);

/// Frees `image->rgb`.
void gc_image_free(gc_image *image);

#endif
