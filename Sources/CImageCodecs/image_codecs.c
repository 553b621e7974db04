#include "image_codecs.h"

#include <png.h>
#include <stdio.h>
#include <jpeglib.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

/// The largest image decoded: 2^26 pixels (8192 × 8192), so a hostile header cannot ask for gigabytes.
#define GC_MAX_PIXELS ((size_t)1 << 26)

static void set_error(char *err, size_t errlen, const char *a, const char *b) {
    if (err && errlen) snprintf(err, errlen, "%s%s", a, b ? b : "");
}

void gc_image_free(gc_image *image) {
    if (image) { free(image->rgb); image->rgb = NULL; }
}

struct gc_png_error {
    jmp_buf jump;
    char message[256];
};

static void gc_png_error_fn(png_structp png, png_const_charp msg) {
    struct gc_png_error *e = (struct gc_png_error *)png_get_error_ptr(png);
    snprintf(e->message, sizeof e->message, "%s", msg);
    longjmp(e->jump, 1);
}

static void gc_png_warning_fn(png_structp png, png_const_charp msg) { (void)png; (void)msg; }

int gc_decode_png(const char *path, gc_image *out, char *err, size_t errlen) {
    FILE *f = fopen(path, "rb");
    if (!f) { set_error(err, errlen, "cannot open: ", strerror(errno)); return -1; }
    struct gc_png_error perr;
    perr.message[0] = 0;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &perr, gc_png_error_fn, gc_png_warning_fn);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_read_struct(png ? &png : NULL, NULL, NULL);
        fclose(f);
        set_error(err, errlen, "out of memory", NULL);
        return -1;
    }
    unsigned char *volatile rgb = NULL;
    png_bytep *volatile rows = NULL;
    if (setjmp(perr.jump)) {
        set_error(err, errlen, "corrupt or truncated PNG: ", perr.message);
        png_destroy_read_struct(&png, &info, NULL);
        free(rows);
        free(rgb);
        fclose(f);
        return -1;
    }
    png_init_io(png, f);
    png_read_info(png, info);
    png_uint_32 width = png_get_image_width(png, info), height = png_get_image_height(png, info);
    int color = png_get_color_type(png, info), depth = png_get_bit_depth(png, info);
    if (width == 0 || height == 0 || (size_t)width * height > GC_MAX_PIXELS) {
        snprintf(perr.message, sizeof perr.message, "size %ux%u out of range (at most 2^26 pixels)", (unsigned)width, (unsigned)height);
        set_error(err, errlen, "PNG ", perr.message);
        png_destroy_read_struct(&png, &info, NULL);
        fclose(f);
        return -1;
    }
    // As PIL's open + convert("RGB"): palettes and low-bit grey expanded, 16-bit samples keep their high
    // byte, grey replicated, alpha (and tRNS) dropped without compositing, no gamma or colour management.
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (depth == 16) png_set_strip_16(png);
    if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    if (color & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    size_t stride = (size_t)width * 3;
    if (png_get_rowbytes(png, info) != stride) {
        snprintf(perr.message, sizeof perr.message, "unsupported PNG layout (%zu bytes per row)", (size_t)png_get_rowbytes(png, info));
        png_error(png, perr.message);
    }
    rgb = malloc(stride * height);
    rows = malloc(sizeof(png_bytep) * height);
    if (!rgb || !rows) png_error(png, "out of memory");
    for (png_uint_32 y = 0; y < height; y++) rows[y] = rgb + stride * y;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    fclose(f);
    out->width = (int)width;
    out->height = (int)height;
    out->rgb = rgb;
    return 0;
}

struct gc_jpeg_error {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

static void gc_jpeg_error_exit(j_common_ptr cinfo) {
    struct gc_jpeg_error *e = (struct gc_jpeg_error *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, e->message);
    longjmp(e->jump, 1);
}

/// Counts warnings (level -1) instead of printing them; trace messages (level >= 0) are ignored.
static void gc_jpeg_quiet(j_common_ptr cinfo, int level) {
    if (level < 0) {
        struct gc_jpeg_error *e = (struct gc_jpeg_error *)cinfo->err;
        if (cinfo->err->num_warnings == 0) (*cinfo->err->format_message)(cinfo, e->message);
        cinfo->err->num_warnings++;
    }
}

int gc_decode_jpeg(const char *path, gc_image *out, char *err, size_t errlen) {
    FILE *f = fopen(path, "rb");
    if (!f) { set_error(err, errlen, "cannot open: ", strerror(errno)); return -1; }
    struct jpeg_decompress_struct cinfo;
    struct gc_jpeg_error jerr;
    unsigned char *volatile rgb = NULL;
    cinfo.err = jpeg_std_error(&jerr.mgr);
    jerr.mgr.error_exit = gc_jpeg_error_exit;
    jerr.mgr.emit_message = gc_jpeg_quiet;   // warnings (e.g. premature end of data) become errors below
    if (setjmp(jerr.jump)) {
        set_error(err, errlen, "corrupt or truncated JPEG: ", jerr.message);
        jpeg_destroy_decompress(&cinfo);
        free(rgb);
        fclose(f);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_stdio_src(&cinfo, f);
    jpeg_read_header(&cinfo, TRUE);
    if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
        set_error(err, errlen, "CMYK JPEGs are not supported", NULL);
        jpeg_destroy_decompress(&cinfo);
        fclose(f);
        return -1;
    }
    cinfo.out_color_space = JCS_RGB;
    jpeg_start_decompress(&cinfo);
    if (cinfo.output_components != 3 || (size_t)cinfo.output_width * cinfo.output_height > GC_MAX_PIXELS) {
        set_error(err, errlen, "unsupported JPEG layout or size (at most 2^26 pixels)", NULL);
        jpeg_destroy_decompress(&cinfo);
        fclose(f);
        return -1;
    }
    size_t stride = (size_t)cinfo.output_width * 3;
    rgb = malloc(stride * cinfo.output_height);
    if (!rgb) { jpeg_destroy_decompress(&cinfo); fclose(f); set_error(err, errlen, "out of memory", NULL); return -1; }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = rgb + stride * cinfo.output_scanline;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    if (jerr.mgr.num_warnings > 0) {
        // libjpeg pads a truncated file with grey and only warns; a truncated input is an error here.
        set_error(err, errlen, "corrupt or truncated JPEG: ", jerr.message);
        jpeg_destroy_decompress(&cinfo);
        free(rgb);
        fclose(f);
        return -1;
    }
    jpeg_finish_decompress(&cinfo);
    out->width = (int)cinfo.output_width;
    out->height = (int)cinfo.output_height;
    out->rgb = rgb;
    jpeg_destroy_decompress(&cinfo);
    fclose(f);
    return 0;
}

int gc_encode_png(const char *path, const unsigned char *pixels, int width, int height, int channels, char *err, size_t errlen) {
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)width;
    img.height = (png_uint_32)height;
    img.format = channels == 1 ? PNG_FORMAT_GRAY : channels == 2 ? PNG_FORMAT_GA : channels == 4 ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
    if (!png_image_write_to_file(&img, path, 0, pixels, 0, NULL)) {
        set_error(err, errlen, "cannot write PNG: ", img.message);
        png_image_free(&img);
        return -1;
    }
    return 0;
}

int gc_encode_jpeg(const char *path, const unsigned char *rgb, int width, int height, int quality,
                   char *err, size_t errlen) {
    FILE *f = fopen(path, "wb");
    if (!f) { set_error(err, errlen, "cannot open for writing: ", strerror(errno)); return -1; }
    struct jpeg_compress_struct cinfo;
    struct gc_jpeg_error jerr;
    cinfo.err = jpeg_std_error(&jerr.mgr);
    jerr.mgr.error_exit = gc_jpeg_error_exit;
    if (setjmp(jerr.jump)) {
        set_error(err, errlen, "cannot write JPEG: ", jerr.message);
        jpeg_destroy_compress(&cinfo);
        fclose(f);
        return -1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_stdio_dest(&cinfo, f);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    size_t stride = (size_t)width * 3;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(rgb + stride * cinfo.next_scanline);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    if (fclose(f) != 0) { set_error(err, errlen, "cannot write JPEG: ", strerror(errno)); return -1; }
    return 0;
}
