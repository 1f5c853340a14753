"""Image metadata in nvc streams: the source image's EXIF data and ICC profile, kept in
ancillary chunks (docs/FORMAT.md, section 7f). ``chunks`` declares, packs and reads them
(torch- and Pillow-free); ``image`` takes them from a PIL image, after turning it upright
by its EXIF orientation, and says which output formats can hold them again."""
