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

/// Decodes the PNG at `path` to 8-bit RGB as PIL's `convert("RGB")` does: palettes and low-bit grey
/// expanded, 16-bit samples keep their high byte, grey replicated, alpha and tRNS dropped (no
/// compositing), no gamma or colour-profile conversion. Returns 0, or -1 with a message in `err`
/// (also for images over 2^26 pixels).
int gc_decode_png(const char *path, gc_image *out, char *err, size_t errlen);

/// Decodes the JPEG at `path` to 8-bit RGB with libjpeg's defaults (islow IDCT, fancy upsampling;
/// greyscale converted to RGB). Returns 0, or -1 with a message in `err` (CMYK files are refused).
int gc_decode_jpeg(const char *path, gc_image *out, char *err, size_t errlen);

/// Writes `pixels` (width × height × channels bytes; 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA) as an 8-bit
/// PNG. Returns 0, or -1 with a message.
int gc_encode_png(const char *path, const unsigned char *pixels, int width, int height, int channels, char *err, size_t errlen);

/// Writes `rgb` as a baseline JPEG of `quality` (1...100). Returns 0, or -1 with a message.
int gc_encode_jpeg(const char *path, const unsigned char *rgb, int width, int height, int quality,
                   char *err, size_t errlen);

/// Frees `image->rgb`.
void gc_image_free(gc_image *image);

#endif
