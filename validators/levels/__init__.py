"""Level statistics and the character of the modes.

Spacing ratios against GOE and Poisson (:mod:`.level_statistics`),
participation ratios (:mod:`.localization`), the vorticity of mode fields
(:mod:`.vorticity`) and their plane-wave content (:mod:`.phonon_shell`,
which reuses the displacement-gradient geometry of :mod:`.vorticity`).
"""
